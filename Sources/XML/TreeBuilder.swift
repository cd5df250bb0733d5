import CLibXML2

/// Turns libxml2's SAX2 events for one document into an `XMLElement` tree: a stack of elements whose end tag
/// has not been seen yet, each added to its parent when it closes.
struct TreeBuilder {
    private let context: xmlParserCtxtPtr
    private var names = NameTable()
    /// Elements whose end tag has not been seen yet, the innermost last.
    private var open: [XMLElement] = []
    private var root: XMLElement?
    private var maxDepth = 0
    private var firstError: XMLError?
    /// Values of `xml:id` attributes seen in this document (libxml2's tree builder refuses a repeated one).
    private var ids: Set<String> = []

    init(context: xmlParserCtxtPtr) {
        self.context = context
    }

    /// Forgets the last document.
    mutating func start(maxDepth: Int) {
        self.maxDepth = maxDepth
        firstError = nil
        root = nil
        open.removeAll(keepingCapacity: true)
        if !ids.isEmpty { ids = [] }
        names.adopt(context.pointee.dict)
    }

    /// The root element, or why there is none; called while the context still has its input.
    mutating func finish() -> Result<XMLElement, XMLError> {
        defer {
            root = nil
            if !open.isEmpty { open = [] }
        }
        if let firstError { return .failure(firstError) }
        let (line, column) = position
        if context.pointee.wellFormed == 0 {
            return .failure(.malformed("the document is not well-formed", line: line, column: column))
        }
        if context.pointee.nsWellFormed == 0 {
            return .failure(.namespace("namespace error", line: line, column: column))
        }
        guard let root, open.isEmpty else {
            return .failure(.malformed("the document has no root element", line: line, column: column))
        }
        return .success(root)
    }

    /// Where the parser is in its input (1-based line and column, or 0 when unknown).
    var position: (line: Int, column: Int) {
        guard let input = context.pointee.input else { return (0, 0) }
        return (Int(input.pointee.line), Int(input.pointee.col))
    }

    /// Keeps the first error only, and stops the parser when asked to.
    mutating func fail(_ error: XMLError, stop: Bool) {
        if firstError == nil { firstError = error }
        if stop { xmlStopParser(context) }
    }

    mutating func startElement(
        localName: UnsafePointer<xmlChar>?, uri: UnsafePointer<xmlChar>?,
        attributeCount: Int, attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) {
        let position = self.position
        names.adopt(context.pointee.dict)
        var element = XMLElement(
            namespaceURI: uri.map { names.string($0) },
            localName: localName.map { names.string($0) } ?? "",
            line: position.line
        )
        if attributeCount > 0, let attributes {
            element.attributes.reserveCapacity(attributeCount)
            // Five pointers per attribute: local name, prefix, URI, value start, value end.
            for index in stride(from: 0, to: attributeCount * 5, by: 5) {
                let attribute = XMLAttribute(
                    namespaceURI: attributes[index + 2].map { names.string($0) },
                    localName: attributes[index].map { names.string($0) } ?? "",
                    value: AttributeValue.decode(start: attributes[index + 3], end: attributes[index + 4])
                )
                if attribute.namespaceURI == AttributeValue.xmlNamespace, attribute.localName == "id" {
                    checkID(AttributeValue.raw(start: attributes[index + 3], end: attributes[index + 4]), at: position)
                }
                element.attributes.append(attribute)
            }
        }
        // After the attributes, as libxml2's tree builder checked xml:id before the depth was looked at.
        if open.count >= maxDepth {
            fail(.tooDeep(limit: maxDepth, line: position.line, column: position.column), stop: true)
            return
        }
        open.append(consume element)
    }

    mutating func endElement() {
        guard let element = open.popLast() else { return }
        if open.isEmpty {
            root = consume element
        } else {
            // Room for a few children at the first, so that a SOAP header's or selector set's do not regrow it.
            if open[open.count - 1].children.isEmpty { open[open.count - 1].children.reserveCapacity(4) }
            open[open.count - 1].children.append(consume element)
        }
    }

    /// Character data and CDATA, in as many pieces as libxml2 delivers (references come as pieces of their own).
    mutating func characters(_ bytes: UnsafePointer<xmlChar>?, count: Int) {
        guard let bytes, count > 0, !open.isEmpty else { return }
        let text = String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
        if open[open.count - 1].text.isEmpty {
            open[open.count - 1].text = text
        } else {
            open[open.count - 1].text += text
        }
    }

    /// What libxml2's tree builder checks of an `xml:id`: an NCName (surrounding blanks allowed), unique. It checks
    /// the value as the SAX2 interface delivers it, an ampersand still written `&#38;`.
    private mutating func checkID(_ value: String, at position: (line: Int, column: Int)) {
        let isName = value.withCString {
            xmlValidateNCName(UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self), 1) == 0
        }
        if !isName {
            let message = "xml:id : attribute value \(value) is not an NCName"
            fail(.malformed(message, line: position.line, column: position.column), stop: false)
        } else if !ids.insert(value).inserted {
            fail(.malformed("ID \(value) already defined", line: position.line, column: position.column), stop: false)
        }
    }
}
