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
        let document = base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { bytes in
            Self.growsMemoryInput && !buffer.prefix(4).contains(0)
                ? readWithoutGrowing(bytes, count: Int32(buffer.count))
                : xmlCtxtReadMemory(context, bytes, Int32(buffer.count), nil, nil, Self.options)
        }
        context.pointee._private = nil
        if let document { xmlFreeDoc(document) }
        let result = builder.pointee.finish()
        // The copy of the document goes now rather than at the next parse.
        while let stream = inputPop(context) { xmlFreeInputStream(stream) }
        return result
    }

    /// libxml2 2.9 gives a memory input a read callback that reads nothing, and calls it (growing the buffer for
    /// it each time) whenever the parser comes within 250 bytes of the end: about an eighth of the time spent on a
    /// small envelope. Later versions never grow a memory input. Checked against 2.9 only, and not for a document
    /// whose first four bytes hold a NUL: libxml2 takes those as UTF-16 or UCS-4 (valid UTF-8 bytes all the same)
    /// and converts the input piece by piece through that read callback.
    private static let growsMemoryInput = LIBXML_VERSION >= 20900 && LIBXML_VERSION < 21000

    /// What xmlCtxtReadMemory does, with an input that libxml2 takes as complete.
    private func readWithoutGrowing(_ bytes: UnsafePointer<CChar>, count: Int32) -> xmlDocPtr? {
        xmlCtxtReset(context)
        guard let input = xmlParserInputBufferCreateMem(bytes, count, XML_CHAR_ENCODING_NONE) else { return nil }
        // Without a read callback libxml2 does not grow the input. Its shrinking of a nearly consumed buffer may
        // still try a read; the input's error, set beforehand, makes such a read return at once rather than report
        // "no input" through libxml2's generic error handler (standard error).
        input.pointee.readcallback = nil
        input.pointee.error = Int32(XML_IO_NO_INPUT.rawValue)
        guard let stream = xmlNewIOInputStream(context, input, XML_CHAR_ENCODING_NONE) else {
            xmlFreeParserInputBuffer(input)
            return nil
        }
        inputPush(context, stream)
        xmlCtxtUseOptions(context, Self.options)
        xmlParseDocument(context)
        defer { context.pointee.myDoc = nil }
        return context.pointee.myDoc
    }
}
