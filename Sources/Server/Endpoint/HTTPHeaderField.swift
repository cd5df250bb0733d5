/// One HTTP header as received or to be sent.
public struct HTTPHeaderField: Sendable, Hashable {
    /// The header name as the client spelled it.
    public var name: String
    /// The header value.
    public var value: String

    /// Creates a header field.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

extension [HTTPHeaderField] {
    /// The first value of the header named `name` (case-insensitive), if any.
    public func first(named name: String) -> String? {
        first { HTTPHeaderField.sameName($0.name, name) }?.value
    }
}

extension HTTPHeaderField {
    /// Field names compare case-insensitively (RFC 9110 §5.1): they are ASCII tokens, so ASCII letters fold and
    /// every other byte must be equal.
    static func sameName(_ a: String, _ b: String) -> Bool {
        let x = a.utf8
        let y = b.utf8
        guard x.count == y.count else { return false }
        for (p, q) in zip(x, y) where p != q {
            let (p, q) = (p | 0x20, q | 0x20)
            guard p == q, p >= UInt8(ascii: "a"), p <= UInt8(ascii: "z") else { return false }
        }
        return true
    }
}
