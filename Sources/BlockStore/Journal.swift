/// The metadata journal: an append-only file of `[length u32][crc32 u32][sequence u64, record]` entries.
///
/// An entry is durable once `append` returns (fdatasync). On open, a torn last entry (a crash mid-append)
/// is cut off; a damaged entry followed by intact ones is corruption and refuses to open.
final class Journal: @unchecked Sendable {
    let file: RawFile
    private(set) var length: UInt64

    init(file: RawFile) throws {
        self.file = file
        length = try file.size()
    }

    /// The entries after `sequence`, in order; truncates a torn tail.
    func replay(after sequence: UInt64, diskPath: String) throws -> [(UInt64, JournalRecord)] {
        let bytes = try file.readAll()
        var r = ByteReader(bytes)
        var out: [(UInt64, JournalRecord)] = []
        var goodEnd = 0
        while r.remaining > 0 {
            let start = r.position
            guard let length = r.u32(), let crc = r.u32(), let payload = r.raw(Int(length)) else { break }
            guard BlockChecksum.crc32(payload) == crc else {
                if r.remaining == 0 { break }  // torn final entry
                throw BlockStoreError.corruptMetadata(disk: diskPath, "journal entry at byte \(start) fails its checksum")
            }
            var p = ByteReader(Array(payload))
            guard let seq = p.u64(), let record = JournalRecord.decode(&p), p.remaining == 0 else {
                throw BlockStoreError.corruptMetadata(disk: diskPath, "journal entry at byte \(start) is malformed")
            }
            if seq > sequence { out.append((seq, record)) }
            goodEnd = r.position
        }
        if goodEnd < bytes.count {
            try file.truncate(to: UInt64(goodEnd))
            try file.syncData()
        }
        length = UInt64(goodEnd)
        return out
    }

    func append(_ record: JournalRecord, sequence: UInt64) throws {
        var payload = ByteWriter()
        payload.u64(sequence)
        record.encode(into: &payload)
        var w = ByteWriter(capacity: payload.bytes.count + 8)
        w.u32(UInt32(payload.bytes.count))
        w.u32(BlockChecksum.crc32(payload.bytes))
        w.raw(payload.bytes)
        try file.write(w.bytes, at: length)
        try file.syncData()
        length += UInt64(w.bytes.count)
    }

    func reset() throws {
        try file.truncate(to: 0)
        try file.syncData()
        length = 0
    }
}
