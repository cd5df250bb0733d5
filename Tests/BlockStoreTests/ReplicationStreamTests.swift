import Foundation
import SeededRandom
import Testing

@testable import BlockStore

@Suite struct ReplicationStreamTests {
    func pair(blocks: Int = 32) throws -> (VirtualDisk, VirtualDisk, [String]) {
        let a = temporaryDirectory(), b = temporaryDirectory()
        let source = try VirtualDisk.create(at: a, size: UInt64(blocks * blockSize), blockSize: blockSize)
        let target = try VirtualDisk.create(at: b, size: UInt64(blocks * blockSize), blockSize: blockSize)
        return (source, target, [a, b])
    }

    func collect(_ producer: ReplicationStreamProducer) throws -> [UInt8] {
        var all: [UInt8] = []
        while let chunk = try producer.nextChunk() { all += chunk }
        return all
    }

    @Test(arguments: [1, 7, 1000, 65537])
    func dripFedFullThenDeltaEqualsSource(split: Int) throws {
        let (source, target, dirs) = try pair()
        defer { for d in dirs { try? FileManager.default.removeItem(atPath: d) } }
        var rng = SplitMix64(state: UInt64(split))
        for i in stride(from: 0, to: 32, by: 3) {
            try source.write(randomBytes(blockSize, &rng), at: UInt64(i * blockSize))
        }
        let p1 = try source.createRecoveryPoint()
        let full = try collect(try source.makeFullStream(point: p1.id, compressionLevel: 1, chunkSize: 5000))
        let applier = ReplicationStreamApplier(disk: target)
        for start in stride(from: 0, to: full.count, by: split) {
            try applier.feed(Array(full[start..<min(full.count, start + split)]))
        }
        try applier.finish()
        #expect(try target.digest() == source.digest(point: p1.id))
        try source.write(randomBytes(100, &rng), at: UInt64(4 * blockSize + 7))
        try source.write([UInt8](repeating: 0, count: blockSize), at: 0)
        let p2 = try source.createRecoveryPoint()
        let delta = try collect(try source.makeDeltaStream(since: p1.id, point: p2.id))
        #expect(delta.count < 3 * blockSize)
        for _ in 0..<2 {  // twice: harmless
            let a = ReplicationStreamApplier(disk: target)
            for start in stride(from: 0, to: delta.count, by: split) {
                try a.feed(Array(delta[start..<min(delta.count, start + split)]))
            }
            try a.finish()
            #expect(try target.digest() == source.digest(point: p2.id))
        }
    }

    @Test func truncatedOrCorruptStreamChangesNothing() throws {
        let (source, target, dirs) = try pair()
        defer { for d in dirs { try? FileManager.default.removeItem(atPath: d) } }
        var rng = SplitMix64(state: 9)
        try source.write(randomBytes(8 * blockSize, &rng), at: 0)
        let stream = try collect(try source.makeFullStream())
        let before = try target.digest()
        let truncated = ReplicationStreamApplier(disk: target)
        try truncated.feed(Array(stream.dropLast(10)))
        #expect { try truncated.finish() } throws: { ($0 as? BlockStoreError)?.kind == .corruptStream }
        var corrupt = stream
        corrupt[200] ^= 1
        let bad = ReplicationStreamApplier(disk: target)
        #expect { try bad.feed(corrupt); try bad.finish() } throws: { ($0 as? BlockStoreError)?.kind == .corruptStream }
        #expect(try target.digest() == before)
        #expect(try target.verify().isEmpty)
    }

    @Test func seedingShipsOnlyDifferingBlocks() throws {
        let (source, target, dirs) = try pair()
        defer { for d in dirs { try? FileManager.default.removeItem(atPath: d) } }
        var rng = SplitMix64(state: 3)
        let content = randomBytes(32 * blockSize, &rng)
        try source.write(content, at: 0)
        try target.write(content, at: 0)
        try target.write([1, 2, 3], at: UInt64(5 * blockSize))
        try target.write([9], at: UInt64(20 * blockSize))
        let map = try ChecksumMap(serialized: target.checksumMap().serialized())
        #expect(try map.differingBlocks(from: source.checksumMap()) == [5, 20])
        let producer = try source.makeSeedingStream(against: map)
        let stream = try collect(producer)
        #expect(producer.statistics.dataFrames == 2)
        let applier = ReplicationStreamApplier(disk: target)
        try applier.feed(stream)
        try applier.finish()
        #expect(try target.digest() == source.digest())
    }

    @Test func exportImportRoundTrip() throws {
        let (source, _, dirs) = try pair()
        let exportDir = temporaryDirectory(), importDir = temporaryDirectory()
        defer { for d in dirs + [exportDir, importDir] { try? FileManager.default.removeItem(atPath: d) } }
        var rng = SplitMix64(state: 5)
        try source.write(randomBytes(3 * blockSize, &rng), at: UInt64(10 * blockSize))
        let manifest = try source.export(to: exportDir)
        #expect(manifest.blocks.map(\.index) == [10, 11, 12])
        let imported = try VirtualDisk.importDisk(from: exportDir, to: importDir)
        #expect(try imported.digest() == source.digest())
        #expect(imported.identity == source.identity)
    }
}
