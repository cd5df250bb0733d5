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
    /// `a.lowercased() == b.lowercased()`, byte by byte when both are ASCII (header names always are).
    static func sameName(_ a: String, _ b: String) -> Bool {
        let x = a.utf8
        let y = b.utf8
        guard x.allSatisfy({ $0 < 0x80 }), y.allSatisfy({ $0 < 0x80 }) else { return a.lowercased() == b.lowercased() }
        guard x.count == y.count else { return false }
        for (p, q) in zip(x, y) where p != q {
            let (p, q) = (p | 0x20, q | 0x20)
            guard p == q, p >= UInt8(ascii: "a"), p <= UInt8(ascii: "z") else { return false }
        }
        return true
    }
}
