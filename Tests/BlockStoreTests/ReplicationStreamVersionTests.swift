import Foundation
import Testing

@testable import BlockStore

/// The applier reads format version 1 (streams from an older wmilab) by its own rules, and refuses versions it
/// does not know.
@Suite struct ReplicationStreamVersionTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(name)
        return Array(try Data(contentsOf: url))
    }

    static func makeTarget(at dir: String) throws -> VirtualDisk {
        try VirtualDisk.create(at: dir, size: UInt64(LegacyStreamSource.blocks * blockSize), blockSize: blockSize)
    }

    /// A target that already holds other content, so that "changes nothing" means something.
    static func makeUsedTarget(at dir: String) throws -> VirtualDisk {
        let disk = try makeTarget(at: dir)
        for block in [0, 1, 3, 6] {
            try disk.write(LegacyStreamSource.random(90 + UInt64(block)), at: UInt64(block * blockSize))
        }
        return disk
    }

    static func blocks(of disk: VirtualDisk) throws -> [[UInt8]] {
        try (0..<LegacyStreamSource.blocks).map { try disk.read(at: UInt64($0 * blockSize), count: blockSize) }
    }

    @discardableResult
    static func apply(_ stream: [UInt8], to disk: VirtualDisk, split: Int? = nil) throws
        -> ReplicationStreamApplier.Result
    {
        let applier = ReplicationStreamApplier(disk: disk)
        let step = split ?? stream.count
        for start in stride(from: 0, to: stream.count, by: step) {
            try stream[start..<min(stream.count, start + step)].withUnsafeBytes { try applier.feed($0) }
        }
        return try applier.finish()
    }

    /// The error applying `stream` ends with, or nil when it applies.
    static func refusal(_ stream: [UInt8], to disk: VirtualDisk) -> BlockStoreError? {
        do {
            try apply(stream, to: disk)
            return nil
        } catch {
            return error as? BlockStoreError
        }
    }

    /// The checked-in streams are what the producer of version 1 wrote; the tests' encoder agrees with it.
    @Test func fixturesAreVersion1Streams() throws {
        for name in ["stream-v1-full.bin", "stream-v1-delta.bin"] {
            let editor = try StreamEditor(try Self.fixture(name))
            #expect(editor.version == 1)
            #expect(editor.streamDigest == editor.digest(byRulesOf: 1))
            #expect(editor.streamDigest != editor.digest(byRulesOf: 2))
        }
        let full = try StreamEditor(try Self.fixture("stream-v1-full.bin"))
        #expect(full.frames.map(\.head[0]) == [1, 1, 2, 2, 1, 1, 2, 2])
        #expect(full.frames.filter(\.isZlib).count == 2)
    }

    /// A full then a delta stream written by a wmilab of version 1 apply, whole or split anywhere.
    @Test(arguments: [0, 1, 4097])
    func version1StreamsApply(split: Int) throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let target = try Self.makeUsedTarget(at: dir)
        let pieces = split == 0 ? nil : split
        let full = try Self.apply(try Self.fixture("stream-v1-full.bin"), to: target, split: pieces)
        #expect(full.sourceIdentity == LegacyStreamSource.identity)
        #expect(full.frames == LegacyStreamSource.blocks)
        #expect(try Self.blocks(of: target) == LegacyStreamSource.contentAtP1)
        let delta = try Self.apply(try Self.fixture("stream-v1-delta.bin"), to: target, split: pieces)
        #expect(delta.frames == 2)
        #expect(try Self.blocks(of: target) == LegacyStreamSource.contentAtP2)
        #expect(try target.verify().isEmpty)
    }

    enum Corruption: String, CaseIterable, CustomTestStringConvertible {
        case rawPayloadByte, zlibPayloadByte, frameHeaderByte, streamDigestByte, mapDigestByte, truncated
        var testDescription: String { rawValue }

        func apply(to stream: [UInt8]) throws -> [UInt8] {
            let editor = try StreamEditor(stream)
            var out = stream
            // Offsets of frame 0 (zlib) and frame 1 (raw) in the stream.
            let frame1 = StreamEditor.headerSize + 18 + editor.frames[0].payload.count
            switch self {
            case .rawPayloadByte: out[frame1 + 18 + 1000] ^= 0x01
            case .zlibPayloadByte: out[StreamEditor.headerSize + 18 + 20] ^= 0x10
            case .frameHeaderByte: out[frame1 + 14] ^= 0x01  // the CRC-32
            case .streamDigestByte: out[out.count - 1] ^= 0x80
            case .mapDigestByte: out[out.count - 40] ^= 0x01
            case .truncated: out.removeLast(30)
            }
            return out
        }
    }

    @Test(arguments: Corruption.allCases)
    func corruptVersion1StreamsChangeNothing(corruption: Corruption) throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let target = try Self.makeUsedTarget(at: dir)
        let before = try target.digest()
        let stream = try corruption.apply(to: try Self.fixture("stream-v1-full.bin"))
        #expect(Self.refusal(stream, to: target)?.kind == .corruptStream)
        #expect(try target.digest() == before)
        #expect(try target.verify().isEmpty)
    }

    /// Each version's digest is checked by its own rules: a version 1 stream whose digest leaves out the block
    /// data is refused, and so is a version 2 stream relabelled as version 1.
    @Test func eachVersionIsCheckedByItsOwnRules() throws {
        let a = temporaryDirectory(), b = temporaryDirectory()
        defer { for d in [a, b] { try? FileManager.default.removeItem(atPath: d) } }
        let target = try Self.makeUsedTarget(at: b)
        let before = try target.digest()
        var v1 = try StreamEditor(try Self.fixture("stream-v1-full.bin"))
        v1.streamDigest = v1.digest(byRulesOf: 2)
        let v1Refusal = Self.refusal(v1.bytes, to: target)
        #expect(v1Refusal?.kind == .corruptStream)
        #expect(v1Refusal?.description.contains("stream digest") == true)

        let source = try LegacyStreamSource.make(at: a)
        var v2 = try StreamEditor(try collect(try source.disk.makeFullStream(point: source.p1, compressionLevel: 1)))
        #expect(v2.version == 2)
        let reencoded = v2.reencoded(asVersion: 1)
        v2.setVersion(1)
        let v2Refusal = Self.refusal(v2.bytes, to: target)
        #expect(v2Refusal?.description.contains("stream digest") == true)
        #expect(try target.digest() == before)

        // The same frames, digested by the rules of version 1, apply.
        try Self.apply(reencoded, to: target)
        #expect(try Self.blocks(of: target) == LegacyStreamSource.contentAtP1)
    }

    /// A zero frame dropped (and the frame count fixed) leaves the map unchanged on a target where that block is
    /// a hole anyway; only the stream digest sees it, in either version.
    @Test(arguments: [UInt16(1), 2])
    func theDigestAloneCatchesADroppedFrameTheMapCannotSee(version: UInt16) throws {
        let a = temporaryDirectory(), b = temporaryDirectory()
        defer { for d in [a, b] { try? FileManager.default.removeItem(atPath: d) } }
        let source = try LegacyStreamSource.make(at: a)
        let stream = version == 1
            ? try Self.fixture("stream-v1-full.bin")
            : try collect(try source.disk.makeFullStream(point: source.p1, compressionLevel: 1))
        var editor = try StreamEditor(stream)
        #expect(editor.version == version)
        #expect(editor.frames[6].head == [2, 6, 0, 0, 0, 0, 0, 0, 0])
        editor.frames.remove(at: 6)
        editor.frameCount -= 1
        let target = try Self.makeTarget(at: b)
        let before = try target.digest()
        let refusal = Self.refusal(editor.bytes, to: target)
        #expect(refusal?.kind == .corruptStream)
        #expect(refusal?.description.contains("stream digest") == true)
        #expect(try target.digest() == before)
    }

    @Test(arguments: [UInt16(0), 3, 0xFFFF])
    func unknownVersionsAreRefused(version: UInt16) throws {
        let a = temporaryDirectory(), b = temporaryDirectory()
        defer { for d in [a, b] { try? FileManager.default.removeItem(atPath: d) } }
        let source = try LegacyStreamSource.make(at: a)
        let stream = try StreamEditor(try collect(try source.disk.makeFullStream(point: source.p1)))
        let target = try Self.makeUsedTarget(at: b)
        let before = try target.digest()
        let refusal = Self.refusal(stream.reencoded(asVersion: version), to: target)
        #expect(refusal?.kind == .corruptStream)
        #expect(refusal?.description.contains("unsupported stream version \(version)") == true)
        #expect(try target.digest() == before)
    }

    func collect(_ producer: ReplicationStreamProducer) throws -> [UInt8] {
        var all: [UInt8] = []
        while let chunk = try producer.nextChunk() { all += chunk }
        return all
    }
}
