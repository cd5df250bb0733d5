import CLibXML2

/// Parses untrusted bytes into an `XMLElement` tree with libxml2, hardened for hostile input:
/// no network access, no DTD loading, no entity substitution, any `DOCTYPE` refused as soon as the
/// parser meets it, size and depth limits from `XMLLimits`, UTF-8 only.
///
/// The tree is built straight from libxml2's SAX2 events; no libxml2 document is built.
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

    private static func parse(_ buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int) -> Result<XMLElement, XMLError> {
        if #available(macOS 15.0, *) { return parse(buffer, maxDepth: maxDepth, pool: .shared) }
        guard let context = ParserContext() else { return .failure(noParser) }
        return context.parse(buffer, maxDepth: maxDepth)
    }

    /// Parses with a context from `pool`, given back only after a clean parse.
    @available(macOS 15.0, *)
    static func parse(
        _ buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int, pool: ParserContextPool
    ) -> Result<XMLElement, XMLError> {
        guard let context = pool.take() else { return .failure(noParser) }
        let result = context.parse(buffer, maxDepth: maxDepth)
        pool.give(context, reusable: { if case .success = result { true } else { false } }())
        return result
    }

    private static let noParser = XMLError.malformed("the XML parser could not be created", line: 0, column: 0)
}
