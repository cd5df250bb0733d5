/// MD4 (RFC 1320), written out here because OpenSSL 3 keeps it only in the optional legacy provider.
///
/// NTLM needs it for one thing: the NT hash of a password, `MD4(UTF-16LE(password))`.
enum MD4 {
    static func hash(_ message: [UInt8]) -> [UInt8] {
        var state: (UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476)
        var padded = message
        padded.append(0x80)
        while padded.count % 64 != 56 { padded.append(0) }
        let bitLength = UInt64(message.count) &* 8
        for shift in stride(from: 0, to: 64, by: 8) { padded.append(UInt8(truncatingIfNeeded: bitLength >> shift)) }

        var block = [UInt32](repeating: 0, count: 16)
        for start in stride(from: 0, to: padded.count, by: 64) {
            for word in 0..<16 {
                let base = start + word * 4
                block[word] =
                    UInt32(padded[base]) | UInt32(padded[base + 1]) << 8
                    | UInt32(padded[base + 2]) << 16 | UInt32(padded[base + 3]) << 24
            }
            state = compress(state, block)
        }
        var digest: [UInt8] = []
        digest.reserveCapacity(16)
        for word in [state.0, state.1, state.2, state.3] {
            for shift in stride(from: 0, to: 32, by: 8) { digest.append(UInt8(truncatingIfNeeded: word >> shift)) }
        }
        return digest
    }

    private static let round2Order = [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15]
    private static let round3Order = [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15]

    private static func compress(
        _ state: (UInt32, UInt32, UInt32, UInt32), _ x: [UInt32]
    ) -> (UInt32, UInt32, UInt32, UInt32) {
        var r = [state.0, state.1, state.2, state.3]
        // Each step updates one of a, b, c, d in turn: a, d, c, b, a, d, ...
        func step(_ i: Int, _ f: (UInt32, UInt32, UInt32) -> UInt32, _ k: UInt32, _ add: UInt32, _ shift: UInt32) {
            let a = (4 - i % 4) % 4
            let b = (a + 1) % 4
            let c = (a + 2) % 4
            let d = (a + 3) % 4
            let sum = r[a] &+ f(r[b], r[c], r[d]) &+ k &+ add
            r[a] = sum << shift | sum >> (32 - shift)
        }
        let f: (UInt32, UInt32, UInt32) -> UInt32 = { x, y, z in (x & y) | (~x & z) }
        let g: (UInt32, UInt32, UInt32) -> UInt32 = { x, y, z in (x & y) | (x & z) | (y & z) }
        let h: (UInt32, UInt32, UInt32) -> UInt32 = { x, y, z in x ^ y ^ z }
        let shifts1: [UInt32] = [3, 7, 11, 19]
        let shifts2: [UInt32] = [3, 5, 9, 13]
        let shifts3: [UInt32] = [3, 9, 11, 15]
        for i in 0..<16 { step(i, f, x[i], 0, shifts1[i % 4]) }
        for i in 0..<16 { step(i, g, x[round2Order[i]], 0x5a82_7999, shifts2[i % 4]) }
        for i in 0..<16 { step(i, h, x[round3Order[i]], 0x6ed9_eba1, shifts3[i % 4]) }
        return (state.0 &+ r[0], state.1 &+ r[1], state.2 &+ r[2], state.3 &+ r[3])
    }
}
