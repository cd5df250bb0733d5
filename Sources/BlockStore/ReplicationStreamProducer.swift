import CZlib

/// Produces a replication stream from a pinned view of a disk, in chunks of bounded size.
///
/// Pull chunks with ``nextChunk()`` or iterate it as an `AsyncSequence` of `[UInt8]`; or have it write chunks
/// straight into buffers of your own with ``nextChunk(into:)``, which reads the blocks from the disk to where
/// they go in the stream. Writes to the disk continue while a stream is produced; the stream carries the view
/// as of its creation.
public final class ReplicationStreamProducer: AsyncSequence, @unchecked Sendable {
    public typealias Element = [UInt8]

    enum Selection {
        case all
        case changed(base: [BlockRef])
        case differing(ChecksumMap)
    }

    /// Statistics of what has been produced so far.
    public struct Statistics: Sendable, Equatable {
        /// Bytes of stream produced.
        public var streamBytes: UInt64 = 0
        /// Data frames (blocks with content) sent.
        public var dataFrames: Int = 0
        /// Zero frames (blocks that became zeros) sent.
        public var zeroFrames: Int = 0
        /// Uncompressed bytes of block data sent.
        public var blockBytes: UInt64 = 0
    }

    private let disk: VirtualDisk
    private let view: DiskView
    private let point: UInt64?
    private let selection: Selection
    private let compressionLevel: Int32?
    private let chunkSize: Int
    private let header: ReplicationStreamFormat.Header
    /// The stream digest, computed on a second thread while the next blocks are read and checked.
    private let hasher = BackgroundHasher()
    /// The chunk ``nextChunk()`` returned last, kept (its storage cannot change or go while this holds it) until
    /// its digest is done: the caller writes it out while it is hashed.
    private var digesting: [UInt8]?
    private var cursor = 0
    private var headerSent = false
    private var finished = false
    private var compressed: [UInt8]
    private var compressionPolicy = CompressionPolicy()
    /// The most blocks read by one call when their slots are adjacent.
    private let runCapacity: Int
    private let zeroHash: [UInt8]
    /// What was produced so far.
    public private(set) var statistics = Statistics()

    /// The bytes a data frame takes at most (a compressed block is sent only when smaller than the block).
    private var dataFrameSize: Int { 1 + ReplicationStreamFormat.dataFrameHeaderSize + disk.blockSize }
    private static let trailerFrameSize = 1 + ReplicationStreamFormat.trailerSize

    /// The smallest buffer ``nextChunk(into:)`` takes: room for the header, one data frame and the trailer.
    public var minimumChunkCapacity: Int {
        ReplicationStreamFormat.headerSize + dataFrameSize + Self.trailerFrameSize
    }

    init(disk: VirtualDisk, view: DiskView, point: UInt64?, baseEpoch: UInt64, selection: Selection,
         compressionLevel: Int32?, chunkSize: Int) {
        self.disk = disk
        self.view = view
        self.point = point
        self.selection = selection
        self.compressionLevel = compressionLevel
        self.chunkSize = Swift.max(chunkSize, 4096)
        var flags: UInt16 = 0
        if case .all = selection { flags |= ReplicationStreamFormat.fullStreamFlag }
        header = .init(flags: flags, blockSize: UInt32(disk.blockSize), diskSize: disk.size,
                       identity: disk.identity.bytes, baseEpoch: baseEpoch, epoch: view.epoch)
        compressed = [UInt8](repeating: 0, count: Int(compressBound(uLong(disk.blockSize))))
        // At most 4 MiB, and at most 1,024 blocks (the most buffers one scattered read takes).
        runCapacity = Swift.max(1, Swift.min(Swift.min(self.chunkSize, 4 << 20) / disk.blockSize, 1024))
        zeroHash = ChecksumMap.zeroHash(blockSize: disk.blockSize)
    }

    deinit {
        hasher.wait()
        hasher.stop()
        view.release()
    }

    /// The next chunk of the stream (about `chunkSize` bytes), or nil after the trailer.
    public func nextChunk() throws -> [UInt8]? {
        guard !finished else { return nil }
        let capacity = chunkSize + minimumChunkCapacity
        var failure: (any Error)?
        let chunk = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            do {
                count = try produce(into: UnsafeMutableRawBufferPointer(buffer), limit: chunkSize, waits: false)
            } catch {
                failure = error
                count = 0
            }
        }
        if let failure {
            withExtendedLifetime(chunk) { hasher.wait() }  // frames queued before the failure point into it
            throw failure
        }
        digesting = chunk
        return chunk
    }

    /// Writes the next part of the stream, whole frames only, at the start of `buffer`, and returns its length:
    /// as much as fits, and 0 after the trailer. `buffer` holds at least ``minimumChunkCapacity`` bytes.
    public func nextChunk(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !finished else { return 0 }
        guard buffer.count >= minimumChunkCapacity else {
            throw BlockStoreError.invalidArgument(
                "a stream chunk needs \(minimumChunkCapacity) bytes, the buffer has \(buffer.count)")
        }
        return try produce(into: buffer, limit: buffer.count, waits: true)
    }

    /// As ``nextChunk(into:)``, but returns while the chunk is still being digested, so the caller can send it
    /// meanwhile: `buffer` must stay valid and unchanged until the next call of either `nextChunk(into:)` returns
    /// (they wait for that digest first) or ``waitForDigest()`` returns.
    public func nextChunk(retaining buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !finished else { return 0 }
        guard buffer.count >= minimumChunkCapacity else {
            throw BlockStoreError.invalidArgument(
                "a stream chunk needs \(minimumChunkCapacity) bytes, the buffer has \(buffer.count)")
        }
        do {
            return try produce(into: buffer, limit: buffer.count, waits: false)
        } catch {
            hasher.wait()
            throw error
        }
    }

    /// Waits until the digest is done with every chunk produced so far (see ``nextChunk(retaining:)``).
    public func waitForDigest() { hasher.wait() }

    /// Fills `buffer` with frames while fewer than `limit` bytes are written and another frame fits; each frame
    /// is handed to the digest as soon as it is written, which hashes it while the next blocks are read.
    /// `waits`: the digest has caught up when this returns, so the buffer is the caller's again; else the
    /// caller keeps the buffer unchanged until the next call, which waits first.
    private func produce(into buffer: UnsafeMutableRawBufferPointer, limit: Int, waits: Bool) throws -> Int {
        hasher.wait()
        digesting = nil
        defer { if waits { hasher.wait() } }
        var out = ChunkCursor(buffer: buffer)
        if !headerSent {
            out.append(header.encode())
            headerSent = true
            hash(&out)
        }
        let refs = view.refs
        while out.position < limit, out.room >= dataFrameSize, cursor < refs.count {
            let budget = Swift.max(1, Swift.min(limit - out.position, out.room) / dataFrameSize)
            let run = runLength(from: cursor, budget: budget)
            if run > 1 {
                try appendRun(from: cursor, count: run, to: &out)
            } else {
                let index = cursor
                cursor += 1
                try appendFrame(index: index, ref: refs[index], to: &out)
            }
        }
        if cursor >= refs.count, out.position < limit, out.room >= Self.trailerFrameSize {
            out.append(ReplicationStreamFormat.trailerFrame)
            out.appendLittleEndian(UInt64(statistics.dataFrames + statistics.zeroFrames))
            out.append(ReplicationStreamFormat.mapDigest(refs))
            hash(&out)
            out.append(hasher.finalize())
            out.hashed = out.position
            finished = true
            view.release()
        }
        statistics.streamBytes += UInt64(out.position)
        return out.position
    }

    /// Adds what was written since the last call to the stream digest.
    private func hash(_ out: inout ChunkCursor) {
        hasher.update(UnsafeRawBufferPointer(rebasing: out.buffer[out.hashed..<out.position]))
        out.hashed = out.position
    }

    private func appendFrame(index: Int, ref: BlockRef, to out: inout ChunkCursor) throws {
        switch selection {
        case .all:
            break
        case .changed(let base):
            guard base[index] != ref else { return }
        case .differing(let target):
            if ref.slot == 0 {
                guard target.hash(ofBlock: index) != zeroHash[...] else { return }
            } else {
                let data = try readBlock(index, ref: ref, at: out)
                guard SHA256.hash(UnsafeRawBufferPointer(data))[...] != target.hash(ofBlock: index) else { return }
                try appendData(index: index, crc: ref.crc, from: out.position + frameHeaderSize, to: &out)
                return
            }
        }
        if ref.slot == 0 {
            out.append(ReplicationStreamFormat.zeroFrame)
            out.appendLittleEndian(UInt64(index))
            hash(&out)
            statistics.zeroFrames += 1
        } else {
            _ = try readBlock(index, ref: ref, at: out)
            try appendData(index: index, crc: ref.crc, from: out.position + frameHeaderSize, to: &out)
        }
    }

    /// Type byte and data frame header.
    private var frameHeaderSize: Int { 1 + ReplicationStreamFormat.dataFrameHeaderSize }

    /// Reads block `index` (checking its CRC) to where its data goes if a raw frame starts at `out.position`.
    private func readBlock(_ index: Int, ref: BlockRef, at out: ChunkCursor) throws -> UnsafeMutableRawBufferPointer {
        let start = out.position + frameHeaderSize
        let data = UnsafeMutableRawBufferPointer(rebasing: out.buffer[start..<start + disk.blockSize])
        try disk.readBlock(index, ref: ref, point: point, into: data)
        return data
    }

    /// How many data frames starting at block `first` can be read with one call: selected blocks with data
    /// whose slots follow each other (as a sequentially written disk's do), within the chunk's budget.
    private func runLength(from first: Int, budget: Int) -> Int {
        let refs = view.refs
        guard refs[first].slot != 0, isSelected(first) else { return 0 }
        let limit = Swift.min(runCapacity, budget, refs.count - first)
        var count = 1
        while count < limit, refs[first + count].slot == refs[first].slot &+ UInt32(count),
              isSelected(first + count) {
            count += 1
        }
        return count
    }

    /// Whether a full or delta stream carries block `index` (seeding streams decide per block, by content).
    private func isSelected(_ index: Int) -> Bool {
        switch selection {
        case .all: return true
        case .changed(let base): return base[index] != view.refs[index]
        case .differing: return false
        }
    }

    /// Reads `count` blocks from consecutive slots with one call, each to where its data goes in a raw frame,
    /// and writes their data frames (moving later blocks down when one is sent compressed).
    private func appendRun(from first: Int, count: Int, to out: inout ChunkCursor) throws {
        let refs = view.refs
        let blockSize = disk.blockSize
        let base = out.position
        let regions = (0..<count).map { i in
            let start = base + i * dataFrameSize + frameHeaderSize
            return UnsafeMutableRawBufferPointer(rebasing: out.buffer[start..<start + blockSize])
        }
        try disk.data.read(scattering: regions, at: UInt64(refs[first].slot - 1) * UInt64(blockSize))
        for i in 0..<count {
            guard BlockChecksum.crc32(UnsafeRawBufferPointer(regions[i])) == refs[first + i].crc else {
                throw BlockStoreError.corruptBlock(disk: disk.path, block: first + i, point: point)
            }
            try appendData(index: first + i, crc: refs[first + i].crc, from: base + i * dataFrameSize
                + frameHeaderSize, to: &out)
        }
        cursor = first + count
    }

    /// Writes a data frame at `out.position` for the block whose data is at offset `source` of the buffer (at or
    /// after where the frame's data goes), compressed when asked and smaller.
    private func appendData(index: Int, crc: UInt32, from source: Int, to out: inout ChunkCursor) throws {
        let blockSize = disk.blockSize
        let data = UnsafeRawBufferPointer(rebasing: out.buffer[source..<source + blockSize])
        let destination = out.position + frameHeaderSize
        var encoding = ReplicationStreamFormat.raw
        var storedLength = blockSize
        if let level = compressionLevel, let start = data.baseAddress, compressionPolicy.shouldTry() {
            var destinationLength = uLongf(compressed.count)
            let status = compressed.withUnsafeMutableBufferPointer { dst in
                compress2(dst.baseAddress, &destinationLength, start.assumingMemoryBound(to: Bytef.self),
                          uLong(blockSize), level)
            }
            let shrank = status == Z_OK && Int(destinationLength) < blockSize
            compressionPolicy.record(shrank: shrank)
            if shrank {
                encoding = ReplicationStreamFormat.zlib
                storedLength = Int(destinationLength)
            }
        }
        if encoding == ReplicationStreamFormat.zlib {
            compressed.withUnsafeBytes { bytes in
                UnsafeMutableRawBufferPointer(rebasing: out.buffer[destination..<destination + storedLength])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<storedLength]))
            }
        } else if source != destination, let from = data.baseAddress, let to = out.buffer.baseAddress {
            (to + destination).copyMemory(from: from, byteCount: blockSize)  // memmove: the ranges may overlap
        }
        out.append(ReplicationStreamFormat.dataFrame)
        out.append(encoding)
        out.appendLittleEndian(UInt64(index))
        out.appendLittleEndian(UInt32(storedLength))
        out.appendLittleEndian(crc)
        out.position += storedLength
        hash(&out)
        statistics.dataFrames += 1
        statistics.blockBytes += UInt64(blockSize)
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let producer: ReplicationStreamProducer
        public mutating func next() async throws -> [UInt8]? { try producer.nextChunk() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(producer: self) }
}

/// Where the producer writes in a chunk buffer; the caller checks the room before each frame.
private struct ChunkCursor {
    let buffer: UnsafeMutableRawBufferPointer
    var position = 0
    /// How far the stream digest has been given the chunk.
    var hashed = 0

    var room: Int { buffer.count - position }

    mutating func append(_ byte: UInt8) {
        buffer[position] = byte
        position += 1
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes {
            UnsafeMutableRawBufferPointer(rebasing: buffer[position..<position + $0.count]).copyMemory(from: $0)
        }
        position += bytes.count
    }

    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        buffer.storeBytes(of: value.littleEndian, toByteOffset: position, as: T.self)
        position += MemoryLayout<T>.size
    }
}
