import CLibXML2

/// Parses untrusted bytes into an `XMLElement` tree with libxml2, hardened for hostile input:
/// no network access, no DTD loading, no entity substitution, any `DOCTYPE` refused as soon as the
/// parser meets it, size and depth limits from `XMLLimits`, UTF-8 only.
public struct XMLTreeParser: Sendable {
    public var limits: XMLLimits

    public init(limits: XMLLimits = XMLLimits()) {
        self.limits = limits
    }

    /// Parses a complete document and returns its root element.
    public func parse(_ bytes: some Collection<UInt8>) throws(XMLError) -> XMLElement {
        if bytes.count > limits.maxDocumentBytes {
            throw .tooLarge(size: bytes.count, limit: limits.maxDocumentBytes)
        }
        let array = Array(bytes)
        guard Self.isValidUTF8(array) else {
            throw .invalidEncoding("the document is not valid UTF-8")
        }
        if array.isEmpty { throw .malformed("empty document", line: 1, column: 1) }
        _ = Self.libraryInitialised
        let result: Result<XMLElement, XMLError> = array.withUnsafeBufferPointer { buffer in
            Self.parse(buffer, maxDepth: limits.maxDepth)
        }
        return try result.get()
    }

    /// Parses a string (for documents that arrive as text, e.g. embedded CIM-XML instances).
    public func parse(_ string: String) throws(XMLError) -> XMLElement {
        try parse(Array(string.utf8))
    }

    /// Validates without building a `String` where the standard library can.
    private static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        if #available(macOS 26.0, *) { return (try? UTF8Span(validating: bytes.span)) != nil }
        return String(validating: bytes, as: UTF8.self) != nil
    }

    private static let libraryInitialised: Bool = {
        xmlInitParser()
        return true
    }()

    private static let options: Int32 = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_IGNORE_ENC.rawValue | XML_PARSE_NOCDATA.rawValue
    )

    private static func parse(_ buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int) -> Result<XMLElement, XMLError> {
        guard let base = buffer.baseAddress else { return .failure(.malformed("empty document", line: 1, column: 1)) }
        guard let ctxt = takeContext() else {
            return .failure(.malformed("the XML parser could not be created", line: 0, column: 0))
        }
        let state = ParseState(maxDepth: maxDepth)
        ctxt.pointee._private = Unmanaged.passUnretained(state).toOpaque()
        if let sax = ctxt.pointee.sax {
            sax.pointee.internalSubset = refuseDoctype
            sax.pointee.externalSubset = nil
            sax.pointee.startElementNs = startElementWithDepthLimit
            sax.pointee.serror = recordError
        }
        // Resets the context, then parses with these options only (a reused context keeps nothing of the last
        // document but its name dictionary).
        let document = withExtendedLifetime(state) {
            base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                xmlCtxtReadMemory(ctxt, $0, Int32(buffer.count), nil, nil, options)
            }
        }
        defer { if let document { xmlFreeDoc(document) } }
        let result = outcome(document, state: state, ctxt: ctxt)
        giveBack(ctxt, reusable: { if case .success = result { true } else { false } }())
        return result
    }

    /// A parser context: from the pool where the platform has its lock, else a new one.
    private static func takeContext() -> xmlParserCtxtPtr? {
        if #available(macOS 15.0, *) { return ParserContextPool.shared.take() }
        return xmlNewParserCtxt()
    }

    private static func giveBack(_ ctxt: xmlParserCtxtPtr, reusable: Bool) {
        if #available(macOS 15.0, *) { return ParserContextPool.shared.give(ctxt, reusable: reusable) }
        xmlFreeParserCtxt(ctxt)
    }

    private static func outcome(
        _ document: xmlDocPtr?, state: ParseState, ctxt: xmlParserCtxtPtr
    ) -> Result<XMLElement, XMLError> {
        if let error = state.firstError { return .failure(error) }
        let position = Self.position(ctxt)
        guard let document, ctxt.pointee.wellFormed != 0 else {
            return .failure(.malformed("the document is not well-formed", line: position.line, column: position.column))
        }
        if ctxt.pointee.nsWellFormed == 0 {
            return .failure(.namespace("namespace error", line: position.line, column: position.column))
        }
        guard let root = xmlDocGetRootElement(document) else {
            return .failure(.malformed("the document has no root element",
                                       line: position.line, column: position.column))
        }
        var namespaces = NamespaceNames()
        return .success(convert(root, namespaces: &namespaces))
    }

    fileprivate static func position(_ ctxt: xmlParserCtxtPtr) -> (line: Int, column: Int) {
        guard let input = ctxt.pointee.input else { return (0, 0) }
        return (Int(input.pointee.line), Int(input.pointee.col))
    }

    private static func convert(_ node: xmlNodePtr, namespaces: inout NamespaceNames) -> XMLElement {
        var element = XMLElement(
            namespaceURI: namespaces.name(of: node.pointee.ns),
            localName: node.pointee.name.map { String(cString: $0) } ?? "",
            line: Int(xmlGetLineNo(node))
        )
        var attribute = node.pointee.properties
        while let attr = attribute {
            var value = ""
            var child = attr.pointee.children
            while let text = child {
                if let content = text.pointee.content { value += String(cString: content) }
                child = text.pointee.next
            }
            element.attributes.append(XMLAttribute(
                namespaceURI: namespaces.name(of: attr.pointee.ns),
                localName: attr.pointee.name.map { String(cString: $0) } ?? "",
                value: value
            ))
            attribute = attr.pointee.next
        }
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                element.children.append(convert(current, namespaces: &namespaces))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content { element.text += String(cString: content) }
            default:
                break  // comments and processing instructions carry nothing for us
            }
            child = current.pointee.next
        }
        return element
    }
}

/// The namespace names of one document: a handful of declarations that every element refers to, each made into
/// a `String` once instead of once per element.
private struct NamespaceNames {
    private var known: [(declaration: xmlNsPtr, name: String?)] = []

    mutating func name(of declaration: xmlNsPtr?) -> String? {
        guard let declaration else { return nil }
        if let entry = known.first(where: { $0.declaration == declaration }) { return entry.name }
        let name = declaration.pointee.href.map { String(cString: $0) }
        if known.count < 32 { known.append((declaration, name)) }
        return name
    }
}

/// Per-parse state reached from the C callbacks through the context's `_private` pointer.
private final class ParseState {
    let maxDepth: Int
    var firstError: XMLError?

    init(maxDepth: Int) { self.maxDepth = maxDepth }

    static func from(_ ctx: UnsafeMutableRawPointer?) -> (xmlParserCtxtPtr, ParseState)? {
        guard let ctx else { return nil }
        let ctxt = ctx.assumingMemoryBound(to: xmlParserCtxt.self)
        guard let raw = ctxt.pointee._private else { return nil }
        return (ctxt, Unmanaged<ParseState>.fromOpaque(raw).takeUnretainedValue())
    }
}

private let refuseDoctype: internalSubsetSAXFunc = { ctx, _, _, _ in
    guard let (ctxt, state) = ParseState.from(ctx) else { return }
    if state.firstError == nil {
        let position = XMLTreeParser.position(ctxt)
        state.firstError = .doctypeNotAllowed(line: position.line, column: position.column)
    }
    xmlStopParser(ctxt)
}

private let startElementWithDepthLimit: startElementNsSAX2Func = {
    ctx, localName, prefix, uri, namespaceCount, namespaces, attributeCount, defaultedCount, attributes in
    xmlSAX2StartElementNs(
        ctx, localName, prefix, uri, namespaceCount, namespaces, attributeCount, defaultedCount, attributes
    )
    guard let (ctxt, state) = ParseState.from(ctx) else { return }
    if Int(ctxt.pointee.nodeNr) > state.maxDepth {
        if state.firstError == nil {
            let position = XMLTreeParser.position(ctxt)
            state.firstError = .tooDeep(limit: state.maxDepth, line: position.line, column: position.column)
        }
        xmlStopParser(ctxt)
    }
}

private let recordError: xmlStructuredErrorFunc = { ctx, error in
    guard let error, let (_, state) = ParseState.from(ctx) else { return }
    let level = error.pointee.level
    guard level == XML_ERR_ERROR || level == XML_ERR_FATAL, state.firstError == nil else { return }
    let message = error.pointee.message.map { String(cString: $0) }?.trimmingXMLWhitespace() ?? "XML error"
    let line = Int(error.pointee.line)
    let column = Int(error.pointee.int2)
    if error.pointee.domain == Int32(XML_FROM_NAMESPACE.rawValue) {
        state.firstError = .namespace(message, line: line, column: column)
    } else {
        state.firstError = .malformed(message, line: line, column: column)
    }
}
