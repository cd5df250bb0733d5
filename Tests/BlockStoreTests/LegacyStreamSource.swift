import Foundation
import SeededRandom

@testable import BlockStore

/// The disk the checked-in version 1 streams (Fixtures/stream-v1-*.bin) were produced from, by the producer of
/// format version 1: compressible, random and zero blocks and holes; recovery point `p1`, then a block rewritten
/// and a new one for point `p2`. The full stream carries `p1` compressed, the delta `p1` to `p2` raw.
enum LegacyStreamSource {
    static let identity = UUID(uuidString: "5E1A7C3B-2D4F-4A6E-9B8C-1F0D2E3A4B5C")!
    static let blocks = 8

    static func compressible(_ seed: Int) -> [UInt8] {
        (0..<blockSize).map { UInt8(truncatingIfNeeded: ($0 % 61) &* (seed | 1)) }
    }

    static func random(_ seed: UInt64) -> [UInt8] {
        var rng = SplitMix64(state: seed)
        return randomBytes(blockSize, &rng)
    }

    /// The content of every block at `p1` (blocks 2, 6 and 7 never written, block 3 written as zeros).
    static var contentAtP1: [[UInt8]] {
        let zero = [UInt8](repeating: 0, count: blockSize)
        return [compressible(1), random(11), zero, zero, compressible(9), random(12), zero, zero]
    }

    /// The content of every block at `p2`.
    static var contentAtP2: [[UInt8]] {
        var content = contentAtP1
        content[5] = compressible(4)
        content[7] = random(13)
        return content
    }

    static func make(at dir: String) throws -> (disk: VirtualDisk, p1: UInt64, p2: UInt64) {
        let disk = try VirtualDisk.create(at: dir, size: UInt64(blocks * blockSize), blockSize: blockSize,
                                          identity: identity)
        for (index, bytes) in contentAtP1.enumerated() where index != 2 && index < 6 {
            try disk.write(bytes, at: UInt64(index * blockSize))
        }
        let p1 = try disk.createRecoveryPoint().id
        try disk.write(contentAtP2[5], at: UInt64(5 * blockSize))
        try disk.write(contentAtP2[7], at: UInt64(7 * blockSize))
        let p2 = try disk.createRecoveryPoint().id
        return (disk, p1, p2)
    }
}
