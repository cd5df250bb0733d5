/// Where a block's content lives: a slot of the data file (1-based; 0 is a hole, which reads as zeros),
/// and the CRC-32 of the content.
struct BlockRef: Equatable, Sendable {
    var slot: UInt32
    var crc: UInt32

    static func hole(blockSize: Int) -> BlockRef { BlockRef(slot: 0, crc: ZeroBlock.crc(blockSize: blockSize)) }
}

/// A recovery point as persisted: a frozen copy of the block map. Copies share slots, so a point costs
/// metadata only (copy-on-write falls out of never overwriting a slot that any map references).
struct PointRecord: Sendable {
    var id: UInt64
    var epoch: UInt64
    var createdAtMilliseconds: UInt64
    var applicationConsistent: Bool
    var map: [BlockRef]
}

/// The persisted metadata of a disk. Every change is a ``JournalRecord`` applied by ``apply(_:slots:)``,
/// the same function live and during journal replay, so a replayed disk equals the one that was running.
struct DiskState: Sendable {
    static let maximumRecoveryPoints = 24

    var identity: [UInt8]
    var size: UInt64
    var blockSize: Int
    var epoch: UInt64 = 1
    var nextPointID: UInt64 = 1
    var slotCount: UInt32 = 0
    var lastSequence: UInt64 = 0
    var replicaSource: [UInt8] = Array(repeating: 0, count: 16)
    var replicaEpoch: UInt64 = 0
    var map: [BlockRef]
    var changedEpoch: [UInt64]
    var points: [PointRecord] = []

    var blockCount: Int { map.count }

    init(identity: [UInt8], size: UInt64, blockSize: Int) {
        self.identity = identity
        self.size = size
        self.blockSize = blockSize
        let count = Int((size + UInt64(blockSize) - 1) / UInt64(blockSize))
        map = Array(repeating: .hole(blockSize: blockSize), count: count)
        changedEpoch = Array(repeating: 0, count: count)
    }

    func point(_ id: UInt64) -> PointRecord? { points.first { $0.id == id } }

    /// Applies one journaled change. `slots` tracks slot references when the disk is live.
    mutating func apply(_ record: JournalRecord, slots: inout SlotTable?, diskPath: String) throws {
        switch record {
        case .blocks(let entries):
            for entry in entries {
                guard entry.index < UInt64(map.count) else {
                    throw BlockStoreError.corruptMetadata(disk: diskPath, "journal names block \(entry.index)")
                }
                let i = Int(entry.index)
                slots?.retain(entry.ref.slot)
                slots?.release(map[i].slot)
                map[i] = entry.ref
                changedEpoch[i] = epoch
                slotCount = max(slotCount, entry.ref.slot)
            }
        case .createPoint(let id, let createdAt, let applicationConsistent):
            points.append(PointRecord(id: id, epoch: epoch, createdAtMilliseconds: createdAt,
                                      applicationConsistent: applicationConsistent, map: map))
            for ref in map { slots?.retain(ref.slot) }
            epoch += 1
            nextPointID = max(nextPointID, id + 1)
            while points.count > Self.maximumRecoveryPoints {
                let pruned = points.removeFirst()
                for ref in pruned.map { slots?.release(ref.slot) }
            }
        case .deletePoint(let id):
            guard let i = points.firstIndex(where: { $0.id == id }) else { return }
            let removed = points.remove(at: i)
            for ref in removed.map { slots?.release(ref.slot) }
        case .revert(let id):
            guard let point = point(id) else {
                throw BlockStoreError.corruptMetadata(disk: diskPath, "journal reverts to missing point \(id)")
            }
            for i in map.indices where map[i] != point.map[i] {
                slots?.retain(point.map[i].slot)
                slots?.release(map[i].slot)
                map[i] = point.map[i]
                changedEpoch[i] = epoch
            }
        case .replicaMark(let source, let sourceEpoch):
            replicaSource = source
            replicaEpoch = sourceEpoch
        }
    }
}

/// The zero block's checksum, cached per block size.
enum ZeroBlock {
    private static let cache = Locked<[Int: UInt32]>([:])

    static func crc(blockSize: Int) -> UInt32 {
        if let c = cache.withLock({ $0[blockSize] }) { return c }
        let c = BlockChecksum.crc32([UInt8](repeating: 0, count: blockSize))
        cache.withLock { $0[blockSize] = c }
        return c
    }
}
