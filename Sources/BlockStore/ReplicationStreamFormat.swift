/// Constants and the header of the replication stream format, version 2 (see docs/replication-stream.md).
enum ReplicationStreamFormat {
    static let magic = Array("WMLBREPL".utf8)
    /// The version the producer writes.
    static let version: UInt16 = 2
    /// The versions the applier reads.
    static let readableVersions: ClosedRange<UInt16> = 1...2
    static let headerSize = 60
    /// Frame types.
    static let dataFrame: UInt8 = 1
    static let zeroFrame: UInt8 = 2
    static let trailerFrame: UInt8 = 0x7F
    /// Sizes after the type byte.
    static let dataFrameHeaderSize = 17
    static let zeroFrameSize = 8
    static let trailerSize = 8 + 32 + 32
    /// Data encodings.
    static let raw: UInt8 = 0
    static let zlib: UInt8 = 1
    /// Header flags.
    static let fullStreamFlag: UInt16 = 1

    /// Whether the stream digest of `version` covers the block data (version 1) or only the framing (version 2).
    static func digestCoversBlockData(version: UInt16) -> Bool { version < 2 }

    struct Header: Equatable {
        var version: UInt16 = ReplicationStreamFormat.version
        var flags: UInt16
        var blockSize: UInt32
        var diskSize: UInt64
        var identity: [UInt8]
        var baseEpoch: UInt64
        var epoch: UInt64

        var isFull: Bool { flags & fullStreamFlag != 0 }

        func encode() -> [UInt8] {
            var w = ByteWriter(capacity: headerSize)
            w.raw(magic)
            w.u16(version)
            w.u16(flags)
            w.u32(blockSize)
            w.u64(diskSize)
            w.raw(identity)
            w.u64(baseEpoch)
            w.u64(epoch)
            w.u32(BlockChecksum.crc32(w.bytes))
            return w.bytes
        }

        static func decode(_ bytes: [UInt8]) throws -> Header {
            var r = ByteReader(bytes)
            guard r.raw(magic.count).map(Array.init) == magic else {
                throw BlockStoreError.corruptStream("not a wmilab replication stream (bad magic)")
            }
            guard let version = r.u16() else { throw BlockStoreError.corruptStream("header is truncated") }
            guard readableVersions.contains(version) else {
                throw BlockStoreError.corruptStream(
                    "unsupported stream version \(version) (this wmilab reads versions \(readableVersions.lowerBound)"
                        + " to \(readableVersions.upperBound))")
            }
            guard let flags = r.u16(), let blockSize = r.u32(), let diskSize = r.u64(), let identity = r.raw(16),
                  let baseEpoch = r.u64(), let epoch = r.u64(), let crc = r.u32()
            else { throw BlockStoreError.corruptStream("header is truncated") }
            guard crc == BlockChecksum.crc32(bytes[0..<headerSize - 4]) else {
                throw BlockStoreError.corruptStream("header fails its checksum")
            }
            return Header(version: version, flags: flags, blockSize: blockSize, diskSize: diskSize,
                          identity: Array(identity), baseEpoch: baseEpoch, epoch: epoch)
        }
    }

    /// SHA-256 over the little-endian CRC-32 of every block of a map: what the target must hold afterwards.
    static func mapDigest(_ refs: [BlockRef]) -> [UInt8] {
        var w = ByteWriter(capacity: refs.count * 4)
        for ref in refs { w.u32(ref.crc) }
        return w.bytes.withUnsafeBytes { SHA256.hash($0) }
    }
}
