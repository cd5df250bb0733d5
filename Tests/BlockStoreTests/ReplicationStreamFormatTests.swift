import Foundation
import SeededRandom
import Testing

@testable import BlockStore

/// The bytes of a stream are fixed by the format (docs/replication-stream.md), not by how the producer builds
/// them. The version 1 digests were taken from the producer that copied every block through its own buffers,
/// before blocks were read to where they go in the chunk; a version 2 stream is the same bytes but for the
/// version field, the header's CRC-32 and the trailer's stream digest.
@Suite struct ReplicationStreamFormatTests {
    static let identity = UUID(uuidString: "0B6F2D1E-5A4C-4E3B-8D2A-7C9E1F3B5D60")!
    static let blocks = 40

    /// A block that zlib shrinks: a short pattern repeated.
    static func compressible(_ seed: Int) -> [UInt8] {
        (0..<blockSize).map { UInt8(truncatingIfNeeded: ($0 % 61) &* (seed | 1)) }
    }

    /// Random, compressible and zero blocks, holes, and slots both adjacent and not; then a point, changes
    /// (rewrites, a block zeroed, a new block), a second point.
    func fixture(at dir: String) throws -> (disk: VirtualDisk, p1: UInt64, p2: UInt64) {
        let disk = try VirtualDisk.create(at: dir, size: UInt64(Self.blocks * blockSize), blockSize: blockSize,
                                          identity: Self.identity)
        var rng = SplitMix64(state: 42)
        try disk.write(randomBytes(12 * blockSize, &rng), at: 0)
        for block in [30, 14, 22, 13] {
            try disk.write(Self.compressible(block), at: UInt64(block * blockSize))
        }
        try disk.write([UInt8](repeating: 0, count: blockSize), at: UInt64(5 * blockSize))
        try disk.write(randomBytes(6 * blockSize + 100, &rng), at: UInt64(32 * blockSize))
        let p1 = try disk.createRecoveryPoint().id
        try disk.write(randomBytes(3 * blockSize, &rng), at: UInt64(2 * blockSize))
        try disk.write([UInt8](repeating: 0, count: blockSize), at: UInt64(14 * blockSize))
        try disk.write(Self.compressible(7), at: UInt64(25 * blockSize))
        let p2 = try disk.createRecoveryPoint().id
        return (disk, p1, p2)
    }

    func collect(_ producer: ReplicationStreamProducer) throws -> [UInt8] {
        var all: [UInt8] = []
        while let chunk = try producer.nextChunk() { all += chunk }
        return all
    }

    enum Kind: String, CaseIterable, CustomTestStringConvertible {
        case full, fullCompressed, delta, deltaCompressed
        var testDescription: String { rawValue }

        func producer(_ f: (disk: VirtualDisk, p1: UInt64, p2: UInt64), chunkSize: Int) throws
            -> ReplicationStreamProducer
        {
            switch self {
            case .full: try f.disk.makeFullStream(point: f.p2, chunkSize: chunkSize)
            case .fullCompressed: try f.disk.makeFullStream(point: f.p2, compressionLevel: 1, chunkSize: chunkSize)
            case .delta: try f.disk.makeDeltaStream(since: f.p1, point: f.p2, chunkSize: chunkSize)
            case .deltaCompressed:
                try f.disk.makeDeltaStream(since: f.p1, point: f.p2, compressionLevel: 1, chunkSize: chunkSize)
            }
        }

        /// SHA-256 of the whole stream, format version 2.
        var expectedDigest: String {
            switch self {
            case .full: "31f8d5adfb41b61f615a270dc6779477e618a8f386ebf2aaea9bb40ea62c4c26"
            case .fullCompressed: "37bfc7b8767156859935b978dd521c8705966e32a2cc3fa973d7fe93f302a556"
            case .delta: "9e003fe6cb0e86a1e25520555dc2c13cb2935a33b754f6743f0852fd48b3f9a1"
            case .deltaCompressed: "21fc9a540fefcb8df5762892d0eae8b9225b140e3917f8a6d7d5b7a280a35e7f"
            }
        }

        /// SHA-256 of the whole stream as the producer of format version 1 wrote it.
        var expectedVersion1Digest: String {
            switch self {
            case .full: "6bc2c616b8243ece831d12fe67435d4badc0e0fc460ce6a78aa5bdbe7e108156"
            case .fullCompressed: "700248d5239453c6aad47d016d54382baf6289bee791cbfea97f4d5381502912"
            case .delta: "e9b8aa5ab01de0004b80ee83ef6b576912072783450684d0fd8d02322f4fd421"
            case .deltaCompressed: "a1cfed73eed4120683a3b51943b3ffa09cfdae40720b9b4137abaac7f529aaf6"
            }
        }
    }

    @Test(arguments: Kind.allCases, [5000, 3 * blockSize + 100, 1 << 20])
    func streamBytesAreThoseOfTheFormat(kind: Kind, chunkSize: Int) throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let f = try fixture(at: dir)
        let stream = try collect(try kind.producer(f, chunkSize: chunkSize))
        #expect(stream.withUnsafeBytes { SHA256.hash($0) }.hexString == kind.expectedDigest)
    }

    /// A version 2 stream carries version 2 and a digest of its header, frame headers and trailer only; with
    /// version 1 and a digest of every byte instead, it is exactly what the producer of version 1 wrote.
    @Test(arguments: Kind.allCases)
    func version2DiffersFromVersion1OnlyInVersionAndDigest(kind: Kind) throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let f = try fixture(at: dir)
        let editor = try StreamEditor(try collect(try kind.producer(f, chunkSize: 1 << 20)))
        #expect(editor.version == 2)
        #expect(editor.streamDigest == editor.digest(byRulesOf: 2))
        let version1 = editor.reencoded(asVersion: 1)
        #expect(version1.withUnsafeBytes { SHA256.hash($0) }.hexString == kind.expectedVersion1Digest)
    }

    /// Chunks written into the caller's buffers, whatever their size, make the same stream.
    @Test(arguments: Kind.allCases)
    func chunksIntoBuffersMakeTheSameStream(kind: Kind) throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let f = try fixture(at: dir)
        let reference = try collect(try kind.producer(f, chunkSize: 1 << 20))
        let minimum = try kind.producer(f, chunkSize: 1 << 20).minimumChunkCapacity
        for size in [minimum, minimum + 1, 2 * minimum + 17, 1 << 20] {
            let producer = try kind.producer(f, chunkSize: 1 << 20)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
            defer { buffer.deallocate() }
            var stream: [UInt8] = []
            var chunks = 0
            while case let n = try producer.nextChunk(into: buffer), n > 0 {
                #expect(n <= size)
                stream += UnsafeRawBufferPointer(rebasing: buffer[0..<n])
                chunks += 1
            }
            #expect(stream == reference, "buffers of \(size) bytes")
            #expect(producer.statistics.streamBytes == UInt64(reference.count))
            #expect(try producer.nextChunk(into: buffer) == 0)
            if size == minimum, kind == .full { #expect(chunks > 5) }
        }
    }

    /// Chunks written into two buffers taking turns (as the replica upload does) make the same stream, and
    /// the trailer's digest proves nothing of a chunk depended on the buffer it was written into before.
    @Test(arguments: Kind.allCases)
    func chunksIntoReusedBuffersMakeTheSameStream(kind: Kind) throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let f = try fixture(at: dir)
        let reference = try collect(try kind.producer(f, chunkSize: 1 << 20))
        let producer = try kind.producer(f, chunkSize: 1 << 20)
        let size = producer.minimumChunkCapacity + 3 * blockSize
        let buffers = (0..<2).map { _ in UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16) }
        defer { for b in buffers { b.deallocate() } }
        var stream: [UInt8] = []
        var turn = 0
        while case let n = try producer.nextChunk(into: buffers[turn]), n > 0 {
            stream += UnsafeRawBufferPointer(rebasing: buffers[turn][0..<n])
            turn = 1 - turn
        }
        #expect(stream == reference)
        guard kind == .full || kind == .fullCompressed else { return }  // a delta needs its base to apply
        let target = try VirtualDisk.create(at: dir + "-target", size: f.disk.size, blockSize: blockSize)
        defer { try? FileManager.default.removeItem(atPath: dir + "-target") }
        let applier = ReplicationStreamApplier(disk: target)
        try applier.feed(stream)
        try applier.finish()
        #expect(try target.digest() == f.disk.digest(point: f.p2))
    }

    @Test func tooSmallABufferIsRefused() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let f = try fixture(at: dir)
        let producer = try f.disk.makeFullStream()
        let size = producer.minimumChunkCapacity - 1
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        #expect { try producer.nextChunk(into: buffer) } throws: {
            ($0 as? BlockStoreError)?.kind == .invalidArgument
        }
    }

    /// The applier takes a compressed stream split anywhere, including inside block bodies and frame headers.
    @Test(arguments: [1, 17, 19, 4113, 4114, 4115, 9000])
    func splitStreamsApply(split: Int) throws {
        let a = temporaryDirectory(), b = temporaryDirectory()
        defer { for d in [a, b] { try? FileManager.default.removeItem(atPath: d) } }
        let f = try fixture(at: a)
        let target = try VirtualDisk.create(at: b, size: f.disk.size, blockSize: blockSize)
        for kind in [Kind.fullCompressed] {
            let stream = try collect(try kind.producer(f, chunkSize: 1 << 20))
            let applier = ReplicationStreamApplier(disk: target)
            for start in stride(from: 0, to: stream.count, by: split) {
                try stream[start..<min(stream.count, start + split)].withUnsafeBytes { try applier.feed($0) }
            }
            try applier.finish()
        }
        #expect(try target.digest() == f.disk.digest(point: f.p2))
        #expect(try target.verify().isEmpty)
    }
}
