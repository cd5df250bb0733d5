extension StringProtocol {
    /// Equal with ASCII letters folded and every other byte compared as it is: how HTTP compares field names
    /// (RFC 9110 §5.1) and how Windows matches the `/wsman` path.
    func equalsIgnoringASCIICase(_ other: some StringProtocol) -> Bool {
        let contiguous = utf8.withContiguousStorageIfAvailable { x in
            other.utf8.withContiguousStorageIfAvailable { y in Self.equalsIgnoringASCIICase(x, y) }
        }
        if let contiguous, let result = contiguous { return result }
        return Self.equalsIgnoringASCIICase(utf8, other.utf8)
    }

    private static func equalsIgnoringASCIICase(
        _ x: some Collection<UInt8>, _ y: some Collection<UInt8>
    ) -> Bool {
        guard x.count == y.count else { return false }
        for (p, q) in zip(x, y) where p != q {
            let (p, q) = (p | 0x20, q | 0x20)
            guard p == q, p >= UInt8(ascii: "a"), p <= UInt8(ascii: "z") else { return false }
        }
        return true
    }
}
