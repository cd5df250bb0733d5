extension StringProtocol {
    /// Equal with ASCII letters folded and every other byte compared as it is: how HTTP compares field names
    /// (RFC 9110 §5.1) and how Windows matches the `/wsman` path.
    func equalsIgnoringASCIICase(_ other: some StringProtocol) -> Bool {
        let x = utf8
        let y = other.utf8
        guard x.count == y.count else { return false }
        for (p, q) in zip(x, y) where p != q {
            let (p, q) = (p | 0x20, q | 0x20)
            guard p == q, p >= UInt8(ascii: "a"), p <= UInt8(ascii: "z") else { return false }
        }
        return true
    }
}
