/// The SHA-256 of every block of a disk, which a replication source and target exchange to seed:
/// the target sends its map, the source answers with a stream of only the blocks that differ.
public struct ChecksumMap: Sendable, Equatable {
    private static let magic = Array("WMLBCMAP".utf8)

    /// The block size of the disk the map describes.
    public let blockSize: Int
    /// The number of blocks.
    public let blockCount: Int
    private var hashes: [UInt8]

    init(blockSize: Int, hashes: [UInt8]) {
        self.blockSize = blockSize
        self.blockCount = hashes.count / 32
        self.hashes = hashes
    }

    /// The SHA-256 of block `index`.
    public func hash(ofBlock index: Int) -> ArraySlice<UInt8> { hashes[index * 32..<index * 32 + 32] }

    /// The blocks whose hashes differ between this map and `other`.
    public func differingBlocks(from other: ChecksumMap) throws -> [Int] {
        guard other.blockSize == blockSize, other.blockCount == blockCount else {
            throw BlockStoreError.geometryMismatch("checksum maps describe different disks")
        }
        return (0..<blockCount).filter { hash(ofBlock: $0) != other.hash(ofBlock: $0) }
    }

    /// The map as bytes: magic, block size (u32), block count (u64), the hashes, CRC-32 of all that.
    public func serialized() -> [UInt8] {
        var w = ByteWriter(capacity: hashes.count + 28)
        w.raw(Self.magic)
        w.u32(UInt32(blockSize))
        w.u64(UInt64(blockCount))
        w.raw(hashes)
        w.u32(BlockChecksum.crc32(w.bytes))
        return w.bytes
    }

    /// Reads a map written by ``serialized()``.
    public init(serialized bytes: [UInt8]) throws {
        var r = ByteReader(bytes)
        guard bytes.count >= 24, r.raw(8).map(Array.init) == Self.magic, let blockSize = r.u32(),
              let count = r.u64(), count <= UInt64(bytes.count / 32), r.remaining == Int(count) * 32 + 4,
              let hashes = r.raw(Int(count) * 32), let crc = r.u32(),
              crc == BlockChecksum.crc32(bytes[0..<bytes.count - 4])
        else { throw BlockStoreError.invalidArgument("not a valid checksum map") }
        self.init(blockSize: Int(blockSize), hashes: Array(hashes))
    }

    static func zeroHash(blockSize: Int) -> [UInt8] {
        [UInt8](repeating: 0, count: blockSize).withUnsafeBytes { SHA256.hash($0) }
    }
}

extension VirtualDisk {
    /// The SHA-256 of every block of the live disk or of recovery point `point` (reads every stored block).
    public func checksumMap(point: UInt64? = nil) throws -> ChecksumMap {
        let view = try makeView(point: point)
        defer { view.release() }
        let zero = ChecksumMap.zeroHash(blockSize: blockSize)
        var hashes = [UInt8]()
        hashes.reserveCapacity(blockCount * 32)
        var buffer = [UInt8](repeating: 0, count: blockSize)
        for (index, ref) in view.refs.enumerated() {
            if ref.slot == 0 {
                hashes.append(contentsOf: zero)
            } else {
                try buffer.withUnsafeMutableBytes { try readBlock(index, ref: ref, point: point, into: $0) }
                hashes.append(contentsOf: buffer.withUnsafeBytes { SHA256.hash($0) })
            }
        }
        return ChecksumMap(blockSize: blockSize, hashes: hashes)
    }
}
