/// A query that could not be parsed or evaluated.
///
/// `position` is the 1-based column (in Unicode scalars) of the offending text; 0 when the error is not tied to a
/// place in the query (for example an evaluation error).
public struct WQLError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable {
        case syntax
        case unsupported
        case evaluation
    }

    private let kind: Kind
    /// 1-based column of the offending text, or 0.
    public let position: Int
    /// What is wrong, in words.
    public let message: String

    private init(_ kind: Kind, position: Int, message: String) {
        self.kind = kind
        self.position = position
        self.message = message
    }

    /// The text is not WQL.
    public static func syntax(_ message: String, at position: Int) -> WQLError {
        WQLError(.syntax, position: position, message: message)
    }

    /// The text is WQL this implementation does not handle.
    public static func unsupported(_ message: String, at position: Int) -> WQLError {
        WQLError(.unsupported, position: position, message: message)
    }

    /// The query parsed but cannot be applied (for example an ISA on a class the schema does not know).
    public static func evaluation(_ message: String) -> WQLError {
        WQLError(.evaluation, position: 0, message: message)
    }

    /// True for `syntax` errors.
    public var isSyntaxError: Bool { kind == .syntax }

    public var description: String {
        position > 0 ? "WQL error at column \(position): \(message)" : "WQL error: \(message)"
    }
}
