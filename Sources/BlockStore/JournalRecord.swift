/// One metadata change, as written to the journal.
enum JournalRecord: Sendable {
    struct Entry: Sendable {
        var index: UInt64
        var ref: BlockRef
    }

    /// Blocks now live in these slots (a write, or a committed replication stream).
    case blocks([Entry])
    case createPoint(id: UInt64, createdAt: UInt64, applicationConsistent: Bool)
    case deletePoint(id: UInt64)
    case revert(id: UInt64)
    /// The disk now holds `source`'s content as of its epoch `epoch`.
    case replicaMark(source: [UInt8], epoch: UInt64)

    func encode(into w: inout ByteWriter) {
        switch self {
        case .blocks(let entries):
            w.u8(1)
            w.u32(UInt32(entries.count))
            for e in entries {
                w.u64(e.index)
                w.u32(e.ref.slot)
                w.u32(e.ref.crc)
            }
        case .createPoint(let id, let createdAt, let applicationConsistent):
            w.u8(2)
            w.u64(id)
            w.u64(createdAt)
            w.u8(applicationConsistent ? 1 : 0)
        case .deletePoint(let id):
            w.u8(3)
            w.u64(id)
        case .revert(let id):
            w.u8(4)
            w.u64(id)
        case .replicaMark(let source, let epoch):
            w.u8(5)
            w.raw(source)
            w.u64(epoch)
        }
    }

    static func decode(_ r: inout ByteReader) -> JournalRecord? {
        switch r.u8() {
        case 1:
            guard let count = r.u32(), Int(count) * 16 <= r.remaining else { return nil }
            var entries = [Entry]()
            entries.reserveCapacity(Int(count))
            for _ in 0..<count {
                guard let index = r.u64(), let slot = r.u32(), let crc = r.u32() else { return nil }
                entries.append(Entry(index: index, ref: BlockRef(slot: slot, crc: crc)))
            }
            return .blocks(entries)
        case 2:
            guard let id = r.u64(), let at = r.u64(), let flag = r.u8() else { return nil }
            return .createPoint(id: id, createdAt: at, applicationConsistent: flag != 0)
        case 3:
            return r.u64().map { .deletePoint(id: $0) }
        case 4:
            return r.u64().map { .revert(id: $0) }
        case 5:
            guard let source = r.raw(16), let epoch = r.u64() else { return nil }
            return .replicaMark(source: Array(source), epoch: epoch)
        default:
            return nil
        }
    }
}
