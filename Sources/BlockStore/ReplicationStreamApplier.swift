import CZlib
import Foundation

/// Applies a replication stream to a disk, fed in chunks of any size and split.
///
/// Blocks are written to free slots as they arrive, invisible to readers, once they match their frame's CRC-32;
/// ``finish()`` verifies the trailer (frame count, the stream digest, and the digest of the block map the disk
/// must end up with) and only then commits every block in one journal entry. Streams of format version 2 and 1
/// are read (see docs/replication-stream.md). A stream that is truncated, damaged, or meant for
/// another base changes nothing visible. Applying the same stream twice is harmless (blocks already equal are
/// skipped). Memory stays bounded by 16 MiB of write buffers, one block, and the largest chunk fed.
public final class ReplicationStreamApplier: @unchecked Sendable {
    /// What an applied stream did.
    public struct Result: Sendable, Equatable {
        /// The identity of the source disk.
        public var sourceIdentity: UUID
        /// The source's epoch the disk now reflects.
        public var epoch: UInt64
        /// Blocks whose content changed.
        public var blocksChanged: Int
        /// Frames received.
        public var frames: Int
    }

    private enum Expect {
        case header
        case frameType
        case dataFrame
        case dataBody(encoding: UInt8, index: Int, length: Int, crc: UInt32)
        case zeroFrame
        case trailer
        case done
        case failed
    }

    private let disk: VirtualDisk
    /// The start of a header, frame or compressed block that arrived split across feeds.
    private var carry: [UInt8] = []
    private var expect = Expect.header
    private var header: ReplicationStreamFormat.Header?
    /// The stream digest by the rules of the stream's version; those of the current version (no second thread)
    /// until the header arrives. For version 1 raw blocks are hashed where they are gathered, on a second thread.
    private var digest = StreamDigest(version: ReplicationStreamFormat.version)
    private var staged: [JournalRecord.Entry] = []
    private var allocated: [UInt32] = []
    private var lastIndex = -1
    private var frames = 0
    /// Bytes of the current raw block received so far; they are gathered where the block will be written from.
    private var bodyReceived = 0
    /// A block moved out of the way when its slot does not follow the gathered run.
    private var block: [UInt8]
    /// The disk's current content of a block, compared before a block with the same CRC is skipped.
    private var current: [UInt8]
    private var committed: Result?
    private var trailerVerified = false
    /// Blocks bound for adjacent slots, gathered to be written with one call: `pendingCount` blocks from slot
    /// `pendingSlot`, in page-aligned buffers so they can bypass the page cache. One buffer fills while the
    /// other is written. Each arriving block is assembled in place, right after the pending ones.
    private let buffers: [UnsafeMutableRawBufferPointer]
    private var filling = 0
    private var staging: UnsafeMutableRawBufferPointer { buffers[filling] }
    private var pendingSlot: UInt32 = 0
    private var pendingCount = 0
    private let stagingCapacity: Int
    /// Writes the gathered blocks with direct I/O on its own thread; nil until the first write, and where the
    /// file system refuses direct I/O.
    private var writer: BackgroundWriter?
    private let directIO: Bool
    private var triedDirect = false
    /// Written through the page cache since writeback was last started, as a byte range of the data file.
    private var unsubmitted: Range<UInt64>?
    private static let writebackInterval: UInt64 = 8 << 20
    private static let stagingBytes = 8 << 20

    /// Prepares to apply a stream to `disk`.
    public convenience init(disk: VirtualDisk) { self.init(disk: disk, directIO: true) }

    /// `directIO`: false always writes through the page cache, as where the file system refuses direct I/O.
    init(disk: VirtualDisk, directIO: Bool) {
        self.disk = disk
        self.directIO = directIO
        block = [UInt8](repeating: 0, count: disk.blockSize)
        current = [UInt8](repeating: 0, count: disk.blockSize)
        let bytes = Swift.max(Self.stagingBytes, disk.blockSize)
        buffers = (0..<2).map { _ in .allocate(byteCount: bytes, alignment: 4096) }
        stagingCapacity = bytes / disk.blockSize
    }

    deinit {
        abandon()
        writer?.stop()
        digest.wait()
        for buffer in buffers { buffer.deallocate() }
    }

    /// Feeds the next bytes of the stream.
    public func feed(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try feed($0) } }

    /// Feeds the next bytes of the stream.
    public func feed(_ bytes: UnsafeRawBufferPointer) throws {
        switch expect {
        case .failed: throw BlockStoreError.invalidState("the stream was already refused")
        case .done where bytes.count > 0: try fail(.corruptStream("bytes after the trailer"))
        default: break
        }
        do {
            try process(bytes)
        } catch {
            pendingCount = 0
            abandon()
            expect = .failed
            throw error
        }
    }

    /// Verifies the end of the stream and commits it atomically.
    @discardableResult
    public func finish() throws -> Result {
        if let committed { return committed }
        guard case .done = expect, trailerVerified, let header else {
            if case .failed = expect { throw BlockStoreError.invalidState("the stream was already refused") }
            try fail(.corruptStream("the stream is truncated (no trailer)"))
        }
        do {
            try writePending()
            try writer?.drain()
            let result = try disk.commitReplication(staged: staged, allocated: allocated, header: header,
                                                     expectedMapDigest: expectedMapDigest, frames: frames)
            staged = []
            allocated = []
            committed = result
            writer?.stop()
            return result
        } catch {
            abandon()
            expect = .failed
            throw error
        }
    }

    /// Discards everything received; the disk is unchanged.
    public func cancel() {
        abandon()
        expect = .failed
    }

    private var expectedMapDigest: [UInt8] = []

    private func fail(_ error: BlockStoreError) throws -> Never {
        abandon()
        expect = .failed
        throw error
    }

    private func abandon() {
        guard !allocated.isEmpty else { return }
        // No write may land in a slot after it is given back.
        try? writer?.drain()
        let slots = allocated
        allocated = []
        staged = []
        disk.core.withLock { core in for slot in slots { core.slots.abandon(slot) } }
    }

    /// How many bytes the next element of the stream takes, or nil after the trailer.
    private var needed: Int? {
        switch expect {
        case .header: ReplicationStreamFormat.headerSize
        case .frameType: 1
        case .dataFrame: ReplicationStreamFormat.dataFrameHeaderSize
        case .dataBody(_, _, let length, _): length
        case .zeroFrame: ReplicationStreamFormat.zeroFrameSize
        case .trailer: ReplicationStreamFormat.trailerSize
        case .done, .failed: nil
        }
    }

    /// Handles every whole element of `bytes` in place; an element split across feeds is gathered in `carry`,
    /// except raw blocks, which are gathered where they will be written from.
    private func process(_ bytes: UnsafeRawBufferPointer) throws {
        var input = bytes[...]
        while !input.isEmpty {
            if case .dataBody(ReplicationStreamFormat.raw, let index, let length, let crc) = expect {
                let n = Swift.min(length - bodyReceived, input.count)
                try receiveRaw(UnsafeRawBufferPointer(rebasing: input.prefix(n)), index: index, crc: crc)
                input = input.dropFirst(n)
                continue
            }
            guard let need = needed else { throw BlockStoreError.corruptStream("bytes after the trailer") }
            if carry.isEmpty, input.count >= need {
                try handle(UnsafeRawBufferPointer(rebasing: input.prefix(need)))
                input = input.dropFirst(need)
                continue
            }
            let n = Swift.min(need - carry.count, input.count)
            carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: input.prefix(n)))
            input = input.dropFirst(n)
            if carry.count == need {
                try carry.withUnsafeBytes { try handle($0) }
                carry.removeAll(keepingCapacity: true)
            }
        }
    }

    /// Copies the next part of a raw block to where it is assembled; stages the block once it is whole.
    private func receiveRaw(_ piece: UnsafeRawBufferPointer, index: Int, crc: UInt32) throws {
        if bodyReceived == 0, pendingCount == stagingCapacity { try writePending() }
        let start = pendingCount * disk.blockSize + bodyReceived
        let gathered = UnsafeMutableRawBufferPointer(rebasing: staging[start..<start + piece.count])
        gathered.copyMemory(from: piece)
        digest.addBlockData(UnsafeRawBufferPointer(gathered))
        bodyReceived += piece.count
        guard bodyReceived == disk.blockSize else { return }
        bodyReceived = 0
        try stageAssembled(index: index, crc: crc)
        frames += 1
        expect = .frameType
    }

    /// Handles one whole element.
    private func handle(_ bytes: UnsafeRawBufferPointer) throws {
        switch expect {
        case .header:
            let h = try ReplicationStreamFormat.Header.decode(Array(bytes))
            if h.version != ReplicationStreamFormat.version { digest = StreamDigest(version: h.version) }
            digest.addFraming(bytes)
            guard h.blockSize == UInt32(disk.blockSize), h.diskSize == disk.size else {
                throw BlockStoreError.geometryMismatch(
                    "stream is for \(h.diskSize) bytes in \(h.blockSize)-byte blocks, the disk has "
                        + "\(disk.size) bytes in \(disk.blockSize)-byte blocks")
            }
            header = h
            expect = .frameType
        case .frameType:
            digest.addFraming(bytes)
            switch bytes[0] {
            case ReplicationStreamFormat.dataFrame: expect = .dataFrame
            case ReplicationStreamFormat.zeroFrame: expect = .zeroFrame
            case ReplicationStreamFormat.trailerFrame: expect = .trailer
            case let type: throw BlockStoreError.corruptStream("unknown frame type \(type)")
            }
        case .dataFrame:
            digest.addFraming(bytes)
            let encoding = bytes[0]
            let i = try checkIndex(Self.littleEndian(UInt64.self, bytes, at: 1))
            let length = Self.littleEndian(UInt32.self, bytes, at: 9)
            let crc = Self.littleEndian(UInt32.self, bytes, at: 13)
            let maxLength = Int(compressBound(uLong(disk.blockSize)))
            switch encoding {
            case ReplicationStreamFormat.raw where Int(length) == disk.blockSize: break
            case ReplicationStreamFormat.zlib where Int(length) <= maxLength: break
            default: throw BlockStoreError.corruptStream("block \(i): bad encoding \(encoding) or length \(length)")
            }
            expect = .dataBody(encoding: encoding, index: i, length: Int(length), crc: crc)
        case .dataBody(_, let index, _, let crc):
            // Raw blocks never get here (see `receiveRaw`).
            digest.addBlockDataNow(bytes)
            if pendingCount == stagingCapacity { try writePending() }
            try inflate(bytes, index: index, into: assembly)
            try stageAssembled(index: index, crc: crc)
            frames += 1
            expect = .frameType
        case .zeroFrame:
            digest.addFraming(bytes)
            let i = try checkIndex(Self.littleEndian(UInt64.self, bytes, at: 0))
            if disk.core.withLock({ $0.state.map[i].slot }) != 0 {
                staged.append(.init(index: UInt64(i), ref: .hole(blockSize: disk.blockSize)))
            }
            frames += 1
            expect = .frameType
        case .trailer:
            let counted = UnsafeRawBufferPointer(rebasing: bytes[0..<40])
            digest.addFraming(counted)
            let expected = digest.finalize()
            guard Self.littleEndian(UInt64.self, bytes, at: 0) == UInt64(frames) else {
                throw BlockStoreError.corruptStream("frame count does not match the trailer")
            }
            guard bytes[40..<72].elementsEqual(expected) else {
                throw BlockStoreError.corruptStream("stream digest mismatch")
            }
            expectedMapDigest = Array(bytes[8..<40])
            trailerVerified = true
            expect = .done
        case .done, .failed:
            return
        }
    }

    /// A little-endian integer at `offset` of an element whose length `needed` guaranteed.
    private static func littleEndian<T: FixedWidthInteger>(_: T.Type, _ bytes: UnsafeRawBufferPointer, at offset: Int)
        -> T
    {
        T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    private func checkIndex(_ index: UInt64) throws -> Int {
        guard index < UInt64(disk.blockCount) else {
            throw BlockStoreError.corruptStream("block index \(index) is beyond the disk's \(disk.blockCount) blocks")
        }
        guard Int(index) > lastIndex else {
            throw BlockStoreError.corruptStream("block index \(index) is out of order")
        }
        lastIndex = Int(index)
        return Int(index)
    }

    private func inflate(_ bytes: UnsafeRawBufferPointer, index: Int, into destination: UnsafeMutableRawBufferPointer)
        throws
    {
        var length = uLongf(destination.count)
        let status = uncompress(
            destination.baseAddress?.assumingMemoryBound(to: Bytef.self), &length,
            bytes.baseAddress?.assumingMemoryBound(to: Bytef.self), uLong(bytes.count))
        guard status == Z_OK, Int(length) == destination.count else {
            throw BlockStoreError.corruptStream("block \(index) does not decompress")
        }
    }

    /// Where the next block is assembled: right after the pending blocks (the caller makes room first).
    private var assembly: UnsafeMutableRawBufferPointer {
        let start = pendingCount * disk.blockSize
        return UnsafeMutableRawBufferPointer(rebasing: staging[start..<start + disk.blockSize])
    }

    /// Checks the block just assembled against its CRC and gives it a free slot, or drops it when the disk
    /// already has it or it is zeros. The frame's CRC, once verified, is the one the block map keeps.
    private func stageAssembled(index: Int, crc: UInt32) throws {
        let data = UnsafeRawBufferPointer(assembly)
        guard BlockChecksum.crc32(data) == crc else {
            throw BlockStoreError.corruptStream("block \(index) fails its checksum")
        }
        let ref = disk.core.withLock { $0.state.map[index] }
        if ref.crc == crc {
            // Already there (a stream applied twice, or seeding): compare content before skipping.
            let same = try? current.withUnsafeMutableBytes { c -> Bool in
                try disk.readBlock(index, ref: ref, point: nil, into: c)
                guard let mine = c.baseAddress, let theirs = data.baseAddress else { return false }
                return memcmp(mine, theirs, data.count) == 0
            }
            if same == true {
                digest.wait()  // the next block is assembled over this one
                return
            }
        }
        if BlockChecksum.isZero(data) {
            staged.append(.init(index: UInt64(index), ref: .hole(blockSize: disk.blockSize)))
            digest.wait()
            return
        }
        let slot = disk.core.withLock { $0.slots.allocate() }
        allocated.append(slot)
        staged.append(.init(index: UInt64(index), ref: BlockRef(slot: slot, crc: crc)))
        if pendingCount > 0, slot != pendingSlot + UInt32(pendingCount) {
            // Not adjacent to the run gathered so far: write that run, and start the next with this block.
            block.withUnsafeMutableBytes { $0.copyMemory(from: data) }
            try writePending()
            block.withUnsafeBytes { assembly.copyMemory(from: $0) }
        }
        if pendingCount == 0 { pendingSlot = slot }
        pendingCount += 1
    }

    /// Writes the gathered blocks to their adjacent slots: directly to the device where the file system allows
    /// (no copy into the page cache, little left for the sync before the commit), else through the page cache,
    /// starting writeback now and then so that sync finds little left to do.
    private func writePending() throws {
        guard pendingCount > 0 else { return }
        let offset = UInt64(pendingSlot - 1) * UInt64(disk.blockSize)
        let bytes = UnsafeRawBufferPointer(rebasing: staging[0..<pendingCount * disk.blockSize])
        pendingCount = 0
        // Whichever buffer is filled next, the digest must be done with what it held.
        defer { digest.wait() }
        if let writer {
            try writer.submit(bytes, at: offset)
            filling = 1 - filling
            return
        }
        if !triedDirect {
            triedDirect = true
            // The first write, done here, shows whether the file system takes direct I/O (some refuse it
            // only when writing).
            if directIO, let file = try? RawFile(path: disk.data.path, direct: true),
               (try? file.write(bytes, at: offset)) != nil {
                writer = BackgroundWriter(file: file)
                return
            }
        }
        try disk.data.write(bytes, at: offset)
        let end = offset + UInt64(bytes.count)
        let range = unsubmitted.map { Swift.min($0.lowerBound, offset)..<Swift.max($0.upperBound, end) }
            ?? offset..<end
        if range.upperBound - range.lowerBound >= Self.writebackInterval {
            disk.data.startWriteback(offset: range.lowerBound, length: range.upperBound - range.lowerBound)
            unsubmitted = nil
        } else {
            unsubmitted = range
        }
    }
}

extension VirtualDisk {
    /// Makes a staged stream visible: verifies the resulting map, syncs the data, journals every block at once.
    func commitReplication(
        staged: [JournalRecord.Entry], allocated: [UInt32], header: ReplicationStreamFormat.Header,
        expectedMapDigest: [UInt8], frames: Int
    ) throws -> ReplicationStreamApplier.Result {
        try writer.withLock { journal in
            var prospective = core.withLock { $0.state.map }
            for entry in staged { prospective[Int(entry.index)] = entry.ref }
            guard ReplicationStreamFormat.mapDigest(prospective) == expectedMapDigest else {
                throw BlockStoreError.corruptStream(
                    "the disk would not match the source after this stream (wrong base, or changed since)")
            }
            if !allocated.isEmpty { try data.syncData() }
            try commitLocked([.blocks(staged), .replicaMark(source: header.identity, epoch: header.epoch)],
                             journal: journal)
            return .init(sourceIdentity: UUID(bytes: header.identity), epoch: header.epoch,
                         blocksChanged: staged.count, frames: frames)
        }
    }

    /// The source disk and epoch last replicated into this disk, if any.
    public var replicaOf: (source: UUID, epoch: UInt64)? {
        core.withLock { core in
            core.state.replicaSource.allSatisfy { $0 == 0 }
                ? nil : (UUID(bytes: core.state.replicaSource), core.state.replicaEpoch)
        }
    }

    /// A stream of every block of the live disk or of recovery point `point`.
    /// - Parameters:
    ///   - compressionLevel: zlib level 1–9 for the block data, or nil for none.
    ///   - chunkSize: the approximate size of each chunk the producer returns.
    public func makeFullStream(
        point: UInt64? = nil, compressionLevel: Int32? = nil, chunkSize: Int = 1 << 20
    ) throws -> ReplicationStreamProducer {
        let view = try makeView(point: point)
        return ReplicationStreamProducer(disk: self, view: view, point: point, baseEpoch: 0, selection: .all,
                                         compressionLevel: compressionLevel, chunkSize: chunkSize)
    }

    /// A stream of the blocks that changed since recovery point `base`, as of the live disk or point `point`.
    public func makeDeltaStream(
        since base: UInt64, point: UInt64? = nil, compressionLevel: Int32? = nil, chunkSize: Int = 1 << 20
    ) throws -> ReplicationStreamProducer {
        let view = try makeView(point: point)
        let baseRecord = try core.withLock { core in
            guard let p = core.state.point(base) else { throw BlockStoreError.pointNotFound(disk: path, point: base) }
            return p
        }
        return ReplicationStreamProducer(disk: self, view: view, point: point, baseEpoch: baseRecord.epoch,
                                         selection: .changed(base: baseRecord.map),
                                         compressionLevel: compressionLevel, chunkSize: chunkSize)
    }

    /// A seeding stream: only the blocks whose SHA-256 differs from the target's ``ChecksumMap``.
    public func makeSeedingStream(
        against target: ChecksumMap, point: UInt64? = nil, compressionLevel: Int32? = nil, chunkSize: Int = 1 << 20
    ) throws -> ReplicationStreamProducer {
        guard target.blockSize == blockSize, target.blockCount == blockCount else {
            throw BlockStoreError.geometryMismatch(
                "checksum map has \(target.blockCount) blocks of \(target.blockSize) bytes, the disk \(blockCount) "
                    + "of \(blockSize)")
        }
        let view = try makeView(point: point)
        return ReplicationStreamProducer(disk: self, view: view, point: point, baseEpoch: 0,
                                         selection: .differing(target), compressionLevel: compressionLevel,
                                         chunkSize: chunkSize)
    }
}
