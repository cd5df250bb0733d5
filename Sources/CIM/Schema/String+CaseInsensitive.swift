extension String {
    /// `lowercased() == other.lowercased()` without allocating when both are ASCII, as CIM names almost always are.
    public func equalsLowercased(_ other: String) -> Bool {
        var a = self
        var b = other
        let ascii: Bool? = a.withUTF8 { x in
            b.withUTF8 { y in
                var different = x.count != y.count
                var allASCII = true
                for byte in x where byte >= 0x80 { allASCII = false }
                for byte in y where byte >= 0x80 { allASCII = false }
                guard allASCII else { return nil }
                if different { return false }
                for index in 0..<x.count where x[index] != y[index] {
                    let (p, q) = (x[index] | 0x20, y[index] | 0x20)
                    if p != q || p < 0x61 || p > 0x7A { different = true; break }
                }
                return !different
            }
        }
        return ascii ?? (lowercased() == other.lowercased())
    }
}
