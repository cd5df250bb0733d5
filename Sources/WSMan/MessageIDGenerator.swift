import Synchronization

/// Response MessageIDs: version-4 UUIDs, upper-case, `uuid:`-prefixed, without a system call per response.
///
/// Two 64-bit seeds are drawn once from the system generator; each ID is a process-wide counter pushed
/// through SplitMix64's finaliser from each seed. The finaliser is a bijection, so IDs do not repeat within
/// a process and look as random as Windows' own (they only correlate messages; nothing secret rides on them).
enum MessageIDGenerator {
    private static let seeds: (UInt64, UInt64) = {
        var generator = SystemRandomNumberGenerator()
        return (generator.next(), generator.next())
    }()
    @available(macOS 15.0, *)
    private static let counter = Atomic<UInt64>(0)

    @available(macOS 15.0, *)
    static func next() -> String {
        let count = counter.wrappingAdd(1, ordering: .relaxed).oldValue
        return format(
            mix(seeds.0 &+ count &* 0x9E37_79B9_7F4A_7C15),
            mix(seeds.1 &+ count &* 0xD1B5_4A32_D192_ED03))
    }

    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `uuid:XXXXXXXX-XXXX-4XXX-YXXX-XXXXXXXXXXXX` from 128 bits, each half little-endian, version and variant set.
    static func format(_ high: UInt64, _ low: UInt64) -> String {
        String(unsafeUninitializedCapacity: 41) { buffer in
            let digits: StaticString = "0123456789ABCDEF"
            var out = 0
            for byte in "uuid:".utf8 {
                buffer[out] = byte
                out += 1
            }
            for index in 0..<16 {
                let half = index < 8 ? high : low
                var byte = UInt8(truncatingIfNeeded: half >> (8 * (index % 8)))
                if index == 6 { byte = (byte & 0x0F) | 0x40 }
                if index == 8 { byte = (byte & 0x3F) | 0x80 }
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    buffer[out] = UInt8(ascii: "-")
                    out += 1
                }
                digits.withUTF8Buffer { hex in
                    buffer[out] = hex[Int(byte >> 4)]
                    buffer[out + 1] = hex[Int(byte & 0x0F)]
                }
                out += 2
            }
            return out
        }
    }
}
