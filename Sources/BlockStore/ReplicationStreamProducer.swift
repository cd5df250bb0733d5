import CZlib

/// Produces a replication stream (format version 2) from a pinned view of a disk, in chunks of bounded size.
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
    /// The stream digest: of the header, each frame's header and the trailer, hashed as they are written.
    private let digest = SHA256()
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

    deinit { view.release() }

    /// The next chunk of the stream (about `chunkSize` bytes), or nil after the trailer.
    public func nextChunk() throws -> [UInt8]? {
        guard !finished else { return nil }
        let capacity = chunkSize + minimumChunkCapacity
        var failure: (any Error)?
        let chunk = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            do {
                count = try produce(into: UnsafeMutableRawBufferPointer(buffer), limit: chunkSize)
            } catch {
                failure = error
                count = 0
            }
        }
        if let failure { throw failure }
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
        return try produce(into: buffer, limit: buffer.count)
    }

    /// Fills `buffer` with frames while fewer than `limit` bytes are written and another frame fits, adding each
    /// frame's header to the digest as it is written.
    private func produce(into buffer: UnsafeMutableRawBufferPointer, limit: Int) throws -> Int {
        var out = ChunkCursor(buffer: buffer)
        if !headerSent {
            out.append(header.encode())
            headerSent = true
            hashFraming(from: 0, to: out)
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
            let start = out.position
            out.append(ReplicationStreamFormat.trailerFrame)
            out.appendLittleEndian(UInt64(statistics.dataFrames + statistics.zeroFrames))
            out.append(ReplicationStreamFormat.mapDigest(refs))
            hashFraming(from: start, to: out)
            out.append(digest.finalize())
            finished = true
            view.release()
        }
        statistics.streamBytes += UInt64(out.position)
        return out.position
    }

    /// Adds the framing bytes written from `start` to the cursor's position to the stream digest.
    private func hashFraming(from start: Int, to out: ChunkCursor) {
        digest.update(UnsafeRawBufferPointer(rebasing: out.buffer[start..<out.position]))
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
            let start = out.position
            out.append(ReplicationStreamFormat.zeroFrame)
            out.appendLittleEndian(UInt64(index))
            hashFraming(from: start, to: out)
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
        let start = out.position
        out.append(ReplicationStreamFormat.dataFrame)
        out.append(encoding)
        out.appendLittleEndian(UInt64(index))
        out.appendLittleEndian(UInt32(storedLength))
        out.appendLittleEndian(crc)
        hashFraming(from: start, to: out)
        out.position += storedLength
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
