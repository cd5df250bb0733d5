import Foundation

/// One lexical token of a WQL query, with the 1-based column where it starts.
struct WQLToken: Hashable, Sendable {
    enum Kind: Hashable, Sendable {
        case identifier(String)
        case string(String)
        case integer(String)
        case real(Double)
        /// The raw text between `{` and `}` of `ASSOCIATORS OF {…}`.
        case objectPath(String)
        case comparison(WQLComparisonOperator)
        case leftParenthesis
        case rightParenthesis
        case comma
        case star
        case end
    }

    var kind: Kind
    var position: Int

    /// The identifier text when this token is an identifier.
    var identifier: String? {
        if case .identifier(let name) = kind { return name }
        return nil
    }

    /// True when this token is the (case-insensitive) keyword.
    func isKeyword(_ keyword: String) -> Bool {
        guard let name = identifier else { return false }
        return name.caseInsensitiveCompare(keyword) == .orderedSame
    }

    var displayText: String {
        switch kind {
        case .identifier(let name): return "'\(name)'"
        case .string(let text): return "string '\(text)'"
        case .integer(let text): return "number \(text)"
        case .real(let value): return "number \(value)"
        case .objectPath(let text): return "{\(text)}"
        case .comparison(let op): return "'\(op.rawValue)'"
        case .leftParenthesis: return "'('"
        case .rightParenthesis: return "')'"
        case .comma: return "','"
        case .star: return "'*'"
        case .end: return "end of query"
        }
    }
}
