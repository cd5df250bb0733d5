/// Why a document was refused, with the position where the parser stopped when known.
public struct XMLError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Sendable, Hashable {
        case malformed
        case doctypeNotAllowed
        case tooLarge
        case tooDeep
        case invalidEncoding
        case namespace
    }

    private let kind: Kind
    /// Human-readable explanation (from libxml2 for syntax errors).
    public let message: String
    /// 1-based line of the error, or 0 when unknown.
    public let line: Int
    /// 1-based column of the error, or 0 when unknown.
    public let column: Int

    private init(_ kind: Kind, _ message: String, line: Int = 0, column: Int = 0) {
        self.kind = kind
        self.message = message
        self.line = line
        self.column = column
    }

    /// The document is not well-formed XML.
    public static func malformed(_ message: String, line: Int, column: Int) -> XMLError {
        XMLError(.malformed, message, line: line, column: column)
    }
    /// The document contains a document type declaration; we never process DTDs.
    public static func doctypeNotAllowed(line: Int, column: Int) -> XMLError {
        XMLError(.doctypeNotAllowed, "DOCTYPE is not allowed", line: line, column: column)
    }
    /// The document is larger than `XMLLimits.maxDocumentBytes`.
    public static func tooLarge(size: Int, limit: Int) -> XMLError {
        XMLError(.tooLarge, "document of \(size) bytes exceeds the limit of \(limit) bytes")
    }
    /// Elements are nested deeper than `XMLLimits.maxDepth`.
    public static func tooDeep(limit: Int, line: Int, column: Int) -> XMLError {
        XMLError(.tooDeep, "elements nested deeper than \(limit) levels", line: line, column: column)
    }
    /// The bytes are not valid UTF-8 (the only encoding we accept).
    public static func invalidEncoding(_ message: String) -> XMLError {
        XMLError(.invalidEncoding, message)
    }
    /// A prefix is used without a namespace declaration, or a namespace name is invalid.
    public static func namespace(_ message: String, line: Int, column: Int) -> XMLError {
        XMLError(.namespace, message, line: line, column: column)
    }

    /// True when the two errors are of the same kind, whatever their message and position.
    public func isSameKind(as other: XMLError) -> Bool { kind == other.kind }

    public var description: String {
        line > 0 ? "XML error at line \(line), column \(column): \(message)" : "XML error: \(message)"
    }
}
