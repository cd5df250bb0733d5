import CLibXML2

/// A libxml2 parser context driven through SAX2 into a `TreeBuilder`: no libxml2 document is built, so a parse
/// leaves nothing to free but libxml2's copy of the input, freed as soon as the parse ends.
///
/// Used by one thread at a time (the pool hands it out); kept between parses only after a clean one, with its
/// name dictionary and the strings made from it.
final class ParserContext: @unchecked Sendable {
    private let context: xmlParserCtxtPtr
    /// Reached from the C callbacks through the context's `_private` pointer.
    private let builder: UnsafeMutablePointer<TreeBuilder>

    /// A new parser context; nil when libxml2 cannot allocate one.
    init?() {
        guard let context = xmlNewParserCtxt() else { return nil }
        self.context = context
        builder = .allocate(capacity: 1)
        builder.initialize(to: TreeBuilder(context: context))
    }

    deinit {
        builder.deinitialize(count: 1)
        builder.deallocate()
        xmlFreeParserCtxt(context)
    }

    /// The number of names in the context's dictionary (element and attribute names, namespace URIs).
    var dictionarySize: Int {
        context.pointee.dict.map { Int(xmlDictSize($0)) } ?? 0
    }

    private static let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_IGNORE_ENC.rawValue)

    /// Parses a complete document.
    func parse(_ buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int) -> Result<XMLElement, XMLError> {
        guard let base = buffer.baseAddress, buffer.count <= Int(Int32.max), let sax = context.pointee.sax else {
            return .failure(.malformed("empty document", line: 1, column: 1))
        }
        SAXHandler.install(in: sax)
        // The callbacks receive the user data and find the builder through it.
        context.pointee.userData = UnsafeMutableRawPointer(context)
        builder.pointee.start(maxDepth: maxDepth)
        context.pointee._private = UnsafeMutableRawPointer(builder)
        // Resets the context, then parses with these options only (a reused context keeps nothing of the last
        // document but its name dictionary). No callback builds a document, so none comes back.
        let document = base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
            xmlCtxtReadMemory(context, $0, Int32(buffer.count), nil, nil, Self.options)
        }
        context.pointee._private = nil
        if let document { xmlFreeDoc(document) }
        let result = builder.pointee.finish()
        // The copy of the document goes now rather than at the next parse.
        while let stream = inputPop(context) { xmlFreeInputStream(stream) }
        return result
    }
}
