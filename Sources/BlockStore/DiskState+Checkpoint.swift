/// The checkpoint file: the whole ``DiskState`` at a journal sequence number, with a CRC-32 trailer.
extension DiskState {
    private static let magic = Array("WMLBMETA".utf8)
    private static let version: UInt32 = 1

    func encodeCheckpoint() -> [UInt8] {
        var w = ByteWriter(capacity: 128 + map.count * 16 + points.count * (40 + map.count * 8))
        w.raw(Self.magic)
        w.u32(Self.version)
        w.raw(identity)
        w.u64(size)
        w.u32(UInt32(blockSize))
        w.u64(epoch)
        w.u64(nextPointID)
        w.u32(slotCount)
        w.u64(lastSequence)
        w.raw(replicaSource)
        w.u64(replicaEpoch)
        for i in map.indices {
            w.u32(map[i].slot)
            w.u32(map[i].crc)
            w.u64(changedEpoch[i])
        }
        w.u32(UInt32(points.count))
        for p in points {
            w.u64(p.id)
            w.u64(p.epoch)
            w.u64(p.createdAtMilliseconds)
            w.u8(p.applicationConsistent ? 1 : 0)
            for ref in p.map {
                w.u32(ref.slot)
                w.u32(ref.crc)
            }
        }
        w.u32(BlockChecksum.crc32(w.bytes))
        return w.bytes
    }

    static func decodeCheckpoint(_ bytes: [UInt8], diskPath: String) throws -> DiskState {
        func corrupt(_ why: String) -> BlockStoreError { .corruptMetadata(disk: diskPath, "checkpoint: \(why)") }
        guard bytes.count >= 4 + magic.count else { throw corrupt("file is truncated") }
        var tail = ByteReader(bytes, position: bytes.count - 4)
        guard tail.u32() == BlockChecksum.crc32(bytes[0..<bytes.count - 4]) else {
            throw corrupt("checksum mismatch")
        }
        var r = ByteReader(Array(bytes[0..<bytes.count - 4]))
        guard r.raw(magic.count).map(Array.init) == magic else { throw corrupt("bad magic") }
        guard r.u32() == version else { throw corrupt("unsupported version") }
        guard let identity = r.raw(16), let size = r.u64(), let blockSize = r.u32(), let epoch = r.u64(),
              let nextPointID = r.u64(), let slotCount = r.u32(), let lastSequence = r.u64(),
              let replicaSource = r.raw(16), let replicaEpoch = r.u64()
        else { throw corrupt("header is truncated") }
        guard blockSize >= 512, size > 0 else { throw corrupt("bad geometry") }
        var state = DiskState(identity: Array(identity), size: size, blockSize: Int(blockSize))
        state.epoch = epoch
        state.nextPointID = nextPointID
        state.slotCount = slotCount
        state.lastSequence = lastSequence
        state.replicaSource = Array(replicaSource)
        state.replicaEpoch = replicaEpoch
        guard r.remaining >= state.map.count * 16 else { throw corrupt("block map is truncated") }
        for i in state.map.indices {
            guard let slot = r.u32(), let crc = r.u32(), let changed = r.u64() else { throw corrupt("block map") }
            guard slot <= slotCount else { throw corrupt("block \(i) names slot \(slot) beyond \(slotCount)") }
            state.map[i] = BlockRef(slot: slot, crc: crc)
            state.changedEpoch[i] = changed
        }
        guard let pointCount = r.u32(), pointCount <= DiskState.maximumRecoveryPoints else {
            throw corrupt("bad recovery point count")
        }
        for _ in 0..<pointCount {
            guard let id = r.u64(), let pEpoch = r.u64(), let at = r.u64(), let flag = r.u8(),
                  r.remaining >= state.map.count * 8
            else { throw corrupt("recovery point is truncated") }
            var map = state.map
            for i in map.indices {
                guard let slot = r.u32(), let crc = r.u32(), slot <= slotCount else {
                    throw corrupt("recovery point \(id) block \(i)")
                }
                map[i] = BlockRef(slot: slot, crc: crc)
            }
            state.points.append(PointRecord(id: id, epoch: pEpoch, createdAtMilliseconds: at,
                                            applicationConsistent: flag != 0, map: map))
        }
        guard r.remaining == 0 else { throw corrupt("trailing bytes") }
        return state
    }
}
