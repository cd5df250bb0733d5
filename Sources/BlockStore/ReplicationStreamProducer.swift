import CZlib

/// Produces a replication stream from a pinned view of a disk, in chunks of bounded size.
///
/// Pull chunks with ``nextChunk()`` or iterate it as an `AsyncSequence` of `[UInt8]`. Writes to the disk
/// continue while a stream is produced; the stream carries the view as of its creation.
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
    private let hasher = SHA256()
    private var cursor = 0
    private var headerSent = false
    private var finished = false
    private var block: [UInt8]
    private var compressed: [UInt8]
    private var compressionPolicy = CompressionPolicy()
    /// Blocks read by one call when their slots are adjacent, and the buffer they are read into.
    private let runCapacity: Int
    private var runBuffer: [UInt8]
    private let zeroHash: [UInt8]
    /// What was produced so far.
    public private(set) var statistics = Statistics()

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
        block = [UInt8](repeating: 0, count: disk.blockSize)
        compressed = [UInt8](repeating: 0, count: Int(compressBound(uLong(disk.blockSize))))
        runCapacity = Swift.max(1, Swift.min(self.chunkSize, 4 << 20) / disk.blockSize)
        runBuffer = [UInt8](repeating: 0, count: runCapacity * disk.blockSize)
        zeroHash = ChecksumMap.zeroHash(blockSize: disk.blockSize)
    }

    deinit { view.release() }

    /// The next chunk of the stream (about `chunkSize` bytes), or nil after the trailer.
    public func nextChunk() throws -> [UInt8]? {
        guard !finished else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(chunkSize + disk.blockSize + 64)
        if !headerSent {
            out.append(contentsOf: header.encode())
            headerSent = true
        }
        let refs = view.refs
        while out.count < chunkSize, cursor < refs.count {
            let index = cursor
            let run = runLength(from: index, budget: chunkSize - out.count)
            if run > 1 {
                try appendRun(from: index, count: run, to: &out)
                continue
            }
            cursor += 1
            try appendFrame(index: index, ref: refs[index], to: &out)
        }
        if cursor >= refs.count, out.count < chunkSize {
            var w = ByteWriter(capacity: 1 + ReplicationStreamFormat.trailerSize)
            w.u8(ReplicationStreamFormat.trailerFrame)
            w.u64(UInt64(statistics.dataFrames + statistics.zeroFrames))
            w.raw(ReplicationStreamFormat.mapDigest(refs))
            out.append(contentsOf: w.bytes)
            hasher.update(out)
            out.append(contentsOf: hasher.finalize())
            finished = true
            view.release()
        } else {
            hasher.update(out)
        }
        statistics.streamBytes += UInt64(out.count)
        return out
    }

    private func appendFrame(index: Int, ref: BlockRef, to out: inout [UInt8]) throws {
        switch selection {
        case .all:
            break
        case .changed(let base):
            guard base[index] != ref else { return }
        case .differing(let target):
            if ref.slot == 0 {
                guard target.hash(ofBlock: index) != zeroHash[...] else { return }
            } else {
                try readBlock(index, ref: ref)
                let hash = block.withUnsafeBytes { SHA256.hash($0) }
                guard hash[...] != target.hash(ofBlock: index) else { return }
                try emitData(index: index, crc: ref.crc, alreadyRead: true, to: &out)
                return
            }
        }
        if ref.slot == 0 {
            var w = ByteWriter(capacity: 9)
            w.u8(ReplicationStreamFormat.zeroFrame)
            w.u64(UInt64(index))
            out.append(contentsOf: w.bytes)
            statistics.zeroFrames += 1
        } else {
            try emitData(index: index, crc: ref.crc, alreadyRead: false, to: &out)
        }
    }

    /// How many data frames starting at block `first` can be read with one call: selected blocks with data
    /// whose slots follow each other (as a sequentially written disk's do), within the chunk's budget.
    private func runLength(from first: Int, budget: Int) -> Int {
        let refs = view.refs
        guard refs[first].slot != 0, isSelected(first) else { return 0 }
        let limit = Swift.min(runCapacity, Swift.max(1, budget / disk.blockSize), refs.count - first)
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

    /// Reads `count` blocks from consecutive slots in one call and appends their data frames.
    private func appendRun(from first: Int, count: Int, to out: inout [UInt8]) throws {
        let refs = view.refs
        let blockSize = disk.blockSize
        try runBuffer.withUnsafeMutableBytes { buffer in
            let run = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<count * blockSize])
            try disk.data.read(into: run, at: UInt64(refs[first].slot - 1) * UInt64(blockSize))
            for i in 0..<count {
                let data = UnsafeRawBufferPointer(rebasing: run[i * blockSize..<(i + 1) * blockSize])
                guard BlockChecksum.crc32(data) == refs[first + i].crc else {
                    throw BlockStoreError.corruptBlock(disk: disk.path, block: first + i, point: point)
                }
                try appendData(index: first + i, crc: refs[first + i].crc, data: data, to: &out)
            }
        }
        cursor = first + count
    }

    private func readBlock(_ index: Int, ref: BlockRef) throws {
        try block.withUnsafeMutableBytes { try disk.readBlock(index, ref: ref, point: point, into: $0) }
    }

    private func emitData(index: Int, crc: UInt32, alreadyRead: Bool, to out: inout [UInt8]) throws {
        if !alreadyRead { try readBlock(index, ref: view.refs[index]) }
        let block = block
        try block.withUnsafeBytes { try appendData(index: index, crc: crc, data: $0, to: &out) }
    }

    /// Appends one data frame for `data` (one whole block), compressed when asked and smaller.
    private func appendData(index: Int, crc: UInt32, data: UnsafeRawBufferPointer, to out: inout [UInt8]) throws {
        var encoding = ReplicationStreamFormat.raw
        var storedLength = data.count
        if let level = compressionLevel, let source = data.baseAddress, compressionPolicy.shouldTry() {
            var destinationLength = uLongf(compressed.count)
            let status = compressed.withUnsafeMutableBufferPointer { dst in
                compress2(dst.baseAddress, &destinationLength, source.assumingMemoryBound(to: Bytef.self),
                          uLong(data.count), level)
            }
            let shrank = status == Z_OK && Int(destinationLength) < data.count
            compressionPolicy.record(shrank: shrank)
            if shrank {
                encoding = ReplicationStreamFormat.zlib
                storedLength = Int(destinationLength)
            }
        }
        var w = ByteWriter(capacity: 18)
        w.u8(ReplicationStreamFormat.dataFrame)
        w.u8(encoding)
        w.u64(UInt64(index))
        w.u32(UInt32(storedLength))
        w.u32(crc)
        out.append(contentsOf: w.bytes)
        if encoding == ReplicationStreamFormat.zlib {
            out.append(contentsOf: compressed[0..<storedLength])
        } else {
            out.append(contentsOf: data)
        }
        statistics.dataFrames += 1
        statistics.blockBytes += UInt64(data.count)
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let producer: ReplicationStreamProducer
        public mutating func next() async throws -> [UInt8]? { try producer.nextChunk() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(producer: self) }
}
