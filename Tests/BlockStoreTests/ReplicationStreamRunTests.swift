import Foundation
import SeededRandom
import Testing

@testable import BlockStore

/// The producer reads runs of adjacent slots in one call and the applier writes runs of adjacent free slots
/// in one call; these check that the layout of slots never shows in the stream or in the result.
@Suite struct ReplicationStreamRunTests {
    enum WriteOrder: String, CaseIterable, CustomTestStringConvertible {
        case sequential, reverse, interleaved
        var testDescription: String { rawValue }

        /// The blocks to write, one write each, so slots are allocated in this order.
        func blocks(_ count: Int) -> [Int] {
            switch self {
            case .sequential: Array(0..<count)
            case .reverse: Array((0..<count).reversed())
            case .interleaved: Array(stride(from: 0, to: count, by: 2)) + Array(stride(from: 1, to: count, by: 2))
            }
        }
    }

    static let blocks = 48
    static let identity = UUID(uuidString: "6D1F3A52-9C1B-4C8E-9E0B-2F6A1D3C4B5A")!

    /// A source disk with the same logical content whatever the order its blocks were written in: random
    /// blocks, holes (every fifth block never written) and one block written as zeros.
    func source(order: WriteOrder, at dir: String) throws -> VirtualDisk {
        let disk = try VirtualDisk.create(at: dir, size: UInt64(Self.blocks * blockSize), blockSize: blockSize,
                                          identity: Self.identity)
        for block in order.blocks(Self.blocks) where block % 5 != 0 {
            var rng = SplitMix64(state: UInt64(block))
            let bytes = block == 7 ? [UInt8](repeating: 0, count: blockSize) : randomBytes(blockSize, &rng)
            try disk.write(bytes, at: UInt64(block * blockSize))
        }
        return disk
    }

    func collect(_ producer: ReplicationStreamProducer) throws -> [UInt8] {
        var all: [UInt8] = []
        while let chunk = try producer.nextChunk() { all += chunk }
        return all
    }

    @Test(arguments: WriteOrder.allCases)
    func streamBytesDoNotDependOnSlotLayout(order: WriteOrder) throws {
        let a = temporaryDirectory(), b = temporaryDirectory()
        defer { for d in [a, b] { try? FileManager.default.removeItem(atPath: d) } }
        let reference = try collect(try source(order: .reverse, at: a).makeFullStream(chunkSize: 16 * blockSize))
        let producer = try source(order: order, at: b).makeFullStream(chunkSize: 16 * blockSize)
        let stream = try collect(producer)
        #expect(stream == reference)
        let zeroBlocks = (0..<Self.blocks).filter { $0 % 5 == 0 || $0 == 7 }.count
        #expect(producer.statistics.dataFrames == Self.blocks - zeroBlocks)
        #expect(producer.statistics.zeroFrames == zeroBlocks)
    }

    /// The target's free slots are every other one of its first sixteen, handed out in descending order, so
    /// the first arriving blocks never land in adjacent slots; the rest go to new adjacent slots.
    func targetWithScatteredFreeSlots(at dir: String) throws -> VirtualDisk {
        let disk = try VirtualDisk.create(at: dir, size: UInt64(Self.blocks * blockSize), blockSize: blockSize)
        var rng = SplitMix64(state: 99)
        try disk.write(randomBytes(16 * blockSize, &rng), at: 0)
        for block in stride(from: 0, to: 16, by: 2) {
            try disk.write([UInt8](repeating: 0, count: blockSize), at: UInt64(block * blockSize))
        }
        return disk
    }

    @Test(arguments: [0, 1000, 4096 + 18, 3 * 4096 + 7], [true, false])
    func applyIntoScatteredSlotsEqualsSource(split: Int, directIO: Bool) throws {
        let a = temporaryDirectory(), b = temporaryDirectory()
        defer { for d in [a, b] { try? FileManager.default.removeItem(atPath: d) } }
        let source = try source(order: .sequential, at: a)
        let target = try targetWithScatteredFreeSlots(at: b)
        let stream = try collect(try source.makeFullStream())
        let applier = ReplicationStreamApplier(disk: target, directIO: directIO)
        let step = split == 0 ? stream.count : split
        for start in stride(from: 0, to: stream.count, by: step) {
            try stream[start..<min(stream.count, start + step)].withUnsafeBytes { try applier.feed($0) }
        }
        let result = try applier.finish()
        #expect(result.frames == Self.blocks)
        #expect(try target.digest() == source.digest())
        #expect(try target.verify().isEmpty)
        try target.close()
        let reopened = try VirtualDisk.open(at: b)
        #expect(try reopened.digest() == source.digest())
        #expect(try reopened.read(at: UInt64(3 * blockSize), count: blockSize)
            == source.read(at: UInt64(3 * blockSize), count: blockSize))
    }

    @Test func refusedStreamLeavesNoWriteBehind() throws {
        let a = temporaryDirectory(), b = temporaryDirectory()
        defer { for d in [a, b] { try? FileManager.default.removeItem(atPath: d) } }
        let source = try source(order: .sequential, at: a)
        let target = try VirtualDisk.create(at: b, size: source.size, blockSize: blockSize)
        var rng = SplitMix64(state: 3)
        try target.write(randomBytes(4 * blockSize, &rng), at: 0)
        let before = try target.digest()
        var stream = try collect(try source.makeFullStream())
        stream[stream.count - 40] ^= 1  // the map digest in the trailer: refused only after every block arrived
        let applier = ReplicationStreamApplier(disk: target)
        #expect { try applier.feed(stream) } throws: { ($0 as? BlockStoreError)?.kind == .corruptStream }
        // The slots the refused stream used are free again; a local write reuses them, and must stay intact.
        #expect(try target.digest() == before)
        let local = randomBytes(40 * blockSize, &rng)
        try target.write(local, at: UInt64(8 * blockSize))
        #expect(try target.read(at: UInt64(8 * blockSize), count: local.count) == local)
        #expect(try target.verify().isEmpty)
    }

    @Test func deltaOfAdjacentRewritesShipsOnlyThem() throws {
        let a = temporaryDirectory(), b = temporaryDirectory()
        defer { for d in [a, b] { try? FileManager.default.removeItem(atPath: d) } }
        let source = try source(order: .sequential, at: a)
        let target = try VirtualDisk.create(at: b, size: source.size, blockSize: blockSize)
        let p1 = try source.createRecoveryPoint()
        let full = ReplicationStreamApplier(disk: target)
        try full.feed(try collect(try source.makeFullStream(point: p1.id)))
        try full.finish()
        var rng = SplitMix64(state: 7)
        try source.write(randomBytes(8 * blockSize, &rng), at: UInt64(20 * blockSize))  // adjacent new slots
        try source.write(randomBytes(blockSize, &rng), at: UInt64(40 * blockSize))
        let p2 = try source.createRecoveryPoint()
        let producer = try source.makeDeltaStream(since: p1.id, point: p2.id)
        let delta = try collect(producer)
        #expect(producer.statistics.dataFrames == 9)
        #expect(producer.statistics.zeroFrames == 0)
        let applier = ReplicationStreamApplier(disk: target)
        try applier.feed(delta)
        #expect(try applier.finish().blocksChanged == 9)
        #expect(try target.digest() == source.digest(point: p2.id))
    }

    @Test func corruptBlockInsideARunIsNamed() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let disk = try VirtualDisk.create(at: dir, size: UInt64(16 * blockSize), blockSize: blockSize)
        var rng = SplitMix64(state: 5)
        try disk.write(randomBytes(8 * blockSize, &rng), at: 0)  // one write: slots 1...8, in block order
        let data = try FileHandle(forUpdating: URL(fileURLWithPath: dir + "/data"))
        try data.seek(toOffset: UInt64(5 * blockSize + 17))
        let original = try #require(try data.read(upToCount: 1))
        try data.seek(toOffset: UInt64(5 * blockSize + 17))
        try data.write(contentsOf: Data([original[0] ^ 0x40]))
        try data.close()
        #expect { try collect(try disk.makeFullStream()) } throws: {
            ($0 as? BlockStoreError)?.kind == .corruptBlock && ($0 as? BlockStoreError)?.blockIndex == 5
        }
    }
}
