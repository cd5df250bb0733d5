/// One MOF token (DSP0221 §7) with where it starts.
public struct MOFToken: Hashable, Sendable {
    /// What the token is, with its decoded value.
    public enum Kind: Hashable, Sendable {
        /// An identifier or keyword (keywords are recognised by the parser, case-insensitively).
        case identifier(String)
        /// An integer literal as sign and magnitude (decimal, `0x` hex, leading-0 octal, `…b` binary).
        case integer(negative: Bool, magnitude: UInt64)
        case real(Double)
        /// A string literal, escapes decoded (adjacent literals are joined by the parser).
        case string(String)
        case char16(Character)
        /// `$Name`.
        case alias(String)
        /// `#pragma`.
        case pragma
        /// One of `{ } ( ) [ ] ; , : =`.
        case punctuation(UInt8)
        case endOfFile
    }

    public var kind: Kind
    public var location: MOFSourceLocation

    public init(kind: Kind, location: MOFSourceLocation) {
        self.kind = kind
        self.location = location
    }
}

/// A lexical or syntax error at a location.
public struct MOFSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public var location: MOFSourceLocation

    public init(_ message: String, at location: MOFSourceLocation) {
        self.message = message
        self.location = location
    }

    public var description: String { "\(location): error: \(message)" }
}
