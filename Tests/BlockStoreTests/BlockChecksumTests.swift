import CZlib
import SeededRandom
import Testing

@testable import BlockStore

/// libdeflate's CRC-32 is the CRC-32 zlib computes, so block checksums written before the switch still verify.
struct BlockChecksumTests {
    private static func zlibCRC(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        UInt32(crc32_z(0, bytes.baseAddress?.assumingMemoryBound(to: Bytef.self), bytes.count))
    }

    /// Lengths around the widths the folding code works in (16, 64, 128 bytes) and whole blocks.
    static let lengths = [0, 1, 2, 3, 7, 8, 15, 16, 17, 31, 63, 64, 65, 127, 128, 129, 255, 1000, 4095, 4096, 4097,
                          65_535, 65_536, 65_537, 262_144 + 13]

    @Test(arguments: lengths)
    func matchesZlibOnRandomBytes(length: Int) {
        var rng = SplitMix64(state: UInt64(length) &* 31 &+ 7)
        let bytes = randomBytes(length + 16, &rng)
        // Every start offset within 16 bytes, so the vector code's unaligned head and tail are exercised.
        for start in 0..<16 {
            let slice = bytes[start..<start + length]
            slice.withUnsafeBytes { raw in
                #expect(BlockChecksum.crc32(raw) == Self.zlibCRC(raw), "length \(length), offset \(start)")
            }
            #expect(BlockChecksum.crc32(slice) == BlockChecksum.crc32(Array(slice)))
        }
    }

    @Test func knownValues() {
        #expect(BlockChecksum.crc32([UInt8]()) == 0)
        #expect(BlockChecksum.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(BlockChecksum.crc32([UInt8](repeating: 0, count: 65_536)) == 0xD7978EEB)
    }
}
