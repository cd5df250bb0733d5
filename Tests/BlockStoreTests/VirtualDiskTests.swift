import Foundation
import SeededRandom
import Testing

@testable import BlockStore


func temporaryDirectory() -> String {
    let path = NSTemporaryDirectory() + "blockstore-test-" + UUID().uuidString
    return path
}

let blockSize = 4096

func randomBytes(_ count: Int, _ rng: inout SplitMix64) -> [UInt8] {
    (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
}

@Suite struct VirtualDiskTests {
    @Test(arguments: [1, 2, 3, 4])
    func randomWritesMatchModelAndPoints(seed: UInt64) throws {
        var rng = SplitMix64(state: seed)
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let size = 64 * blockSize
        let disk = try VirtualDisk.create(at: dir, size: UInt64(size), blockSize: blockSize)
        var model = [UInt8](repeating: 0, count: size)
        var pointModels: [UInt64: [UInt8]] = [:]
        for step in 0..<60 {
            let length = Int.random(in: 1...(3 * blockSize), using: &rng)
            let offset = Int.random(in: 0...(size - length), using: &rng)
            let bytes = step % 7 == 0 ? [UInt8](repeating: 0, count: length) : randomBytes(length, &rng)
            try disk.write(bytes, at: UInt64(offset))
            model.replaceSubrange(offset..<offset + length, with: bytes)
            if step % 10 == 9 {
                let p = try disk.createRecoveryPoint(applicationConsistent: step % 20 == 19)
                pointModels[p.id] = model
            }
        }
        #expect(try disk.read(at: 0, count: size) == model)
        for (id, expected) in pointModels {
            #expect(try disk.read(at: 0, count: size, point: id) == expected)
            #expect(try disk.digest(point: id) == expected.withUnsafeBytes { SHA256.hash($0) })
        }
        // Reopen: everything survives.
        let reopened = try reopen(disk, dir)
        #expect(try reopened.read(at: 0, count: size) == model)
        let first = try #require(pointModels.keys.min())
        try reopened.revert(to: first)
        #expect(try reopened.read(at: 0, count: size) == pointModels[first])
        try reopened.deleteRecoveryPoint(first)
        #expect(reopened.recoveryPoints.count == pointModels.count - 1)
        #expect(try reopened.verify().isEmpty)
    }

    func reopen(_ disk: VirtualDisk, _ dir: String) throws -> VirtualDisk {
        try disk.close()
        return try VirtualDisk.open(at: dir)
    }

    @Test func prunesBeyondTwentyFourPoints() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let disk = try VirtualDisk.create(at: dir, size: UInt64(8 * blockSize), blockSize: blockSize)
        var ids: [UInt64] = []
        for i in 0..<26 {
            try disk.write([UInt8](repeating: UInt8(i + 1), count: blockSize), at: 0)
            ids.append(try disk.createRecoveryPoint().id)
        }
        #expect(disk.recoveryPoints.map(\.id) == Array(ids.suffix(24)))
        #expect(try disk.read(at: 0, count: 1, point: ids[2]) == [3])
    }

    @Test func changeTrackingSurvivesReopen() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var disk = try VirtualDisk.create(at: dir, size: UInt64(16 * blockSize), blockSize: blockSize)
        try disk.write([1], at: 0)
        let p = try disk.createRecoveryPoint()
        try disk.write([2], at: UInt64(5 * blockSize))
        try disk.write([3], at: UInt64(9 * blockSize + 10))
        disk = try reopen(disk, dir)
        #expect(disk.changedBlocks(sinceEpoch: p.epoch) == [5, 9])
        #expect(try disk.changedBlocks(since: p.id) == [5, 9])
    }

    @Test func outOfRangeIsRefused() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let disk = try VirtualDisk.create(at: dir, size: UInt64(4 * blockSize), blockSize: blockSize)
        #expect { try disk.write([1, 2], at: UInt64(4 * blockSize - 1)) } throws: {
            ($0 as? BlockStoreError)?.kind == .outOfRange
        }
        #expect { try disk.read(at: UInt64.max - 1, count: 4) } throws: {
            ($0 as? BlockStoreError)?.kind == .outOfRange
        }
    }

    @Test func flippedDataByteIsNamed() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var disk = try VirtualDisk.create(at: dir, size: UInt64(8 * blockSize), blockSize: blockSize)
        try disk.write([UInt8](repeating: 7, count: blockSize), at: UInt64(3 * blockSize))
        disk = try reopen(disk, dir)
        let data = try FileHandle(forUpdating: URL(fileURLWithPath: dir + "/data"))
        try data.seek(toOffset: 100)
        try data.write(contentsOf: Data([0xFF]))
        try data.close()
        #expect { try disk.read(at: UInt64(3 * blockSize), count: 10) } throws: {
            ($0 as? BlockStoreError)?.kind == .corruptBlock && ($0 as? BlockStoreError)?.blockIndex == 3
        }
        #expect(try disk.verify() == [BadBlock(block: 3, point: nil)])
    }

    @Test func flippedMetadataByteIsDetected() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var disk: VirtualDisk? = try VirtualDisk.create(at: dir, size: UInt64(8 * blockSize), blockSize: blockSize)
        try disk?.write([1], at: 0)
        try disk?.checkpoint()
        try disk?.close()
        disk = nil
        let url = URL(fileURLWithPath: dir + "/checkpoint")
        var bytes = try Data(contentsOf: url)
        bytes[40] ^= 0x55
        try bytes.write(to: url)
        #expect { try VirtualDisk.open(at: dir) } throws: { ($0 as? BlockStoreError)?.kind == .corruptMetadata }
    }
}
