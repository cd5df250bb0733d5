import Foundation

/// A file-backed virtual disk of a fixed logical size, made of fixed-size blocks.
///
/// A disk is a directory holding three files:
/// - `data`: block contents in slots (slot *n* at byte `(n-1) × blockSize`). A slot is never overwritten while
///   any map references it, so writes are out-of-place and recovery points are copy-on-write for free.
///   Blocks never written (or written as zeros) have no slot: they read as zeros and take no space.
/// - `checkpoint`: the block map (slot and CRC-32 per block), change epochs and recovery points.
/// - `journal`: metadata changes since the checkpoint.
///
/// Durability: a write returns only after its data (`fdatasync` of `data`) and then its journal entry
/// (`fdatasync` of `journal`) are on stable storage, so an acknowledged write survives `kill -9` and power
/// loss, and an unacknowledged one is either wholly there or wholly absent. Every read verifies the block's
/// CRC-32; a mismatch throws ``BlockStoreError/Kind/corruptBlock`` naming the block and is never returned as data.
///
/// Concurrency: any number of readers, one writer at a time (writers queue). Readers and streams pin the slots
/// they read, so they never wait for writers and never observe a partial write.
public final class VirtualDisk: Sendable {
    /// The default block size, 64 KiB.
    public static let defaultBlockSize = 64 * 1024
    /// How many recovery points a disk keeps; taking one more prunes the oldest.
    public static let maximumRecoveryPoints = DiskState.maximumRecoveryPoints

    /// The disk's directory.
    public let path: String
    /// The disk's identity, fixed at creation.
    public let identity: UUID
    /// The logical size in bytes.
    public let size: UInt64
    /// The block size in bytes.
    public let blockSize: Int
    /// The number of blocks (`size / blockSize`).
    public let blockCount: Int

    let data: RawFile
    let writer: Locked<Journal>
    let core: Locked<Core>
    private let checkpointThreshold: UInt64 = 4 << 20

    struct Core: Sendable {
        var state: DiskState
        var slots: SlotTable
    }

    // MARK: Creating and opening

    /// Creates a disk at `path` (a new or empty directory).
    /// - Parameters:
    ///   - size: the logical size; a positive multiple of `blockSize`.
    ///   - blockSize: a power of two from 4 KiB to 16 MiB.
    ///   - identity: the disk's identity; a fresh one by default.
    public static func create(
        at path: String, size: UInt64, blockSize: Int = defaultBlockSize, identity: UUID = UUID()
    ) throws -> VirtualDisk {
        guard blockSize >= 4096, blockSize <= 16 << 20, blockSize & (blockSize - 1) == 0 else {
            throw BlockStoreError.invalidArgument("block size \(blockSize) is not a power of two from 4 KiB to 16 MiB")
        }
        guard size > 0, size % UInt64(blockSize) == 0 else {
            throw BlockStoreError.invalidArgument("size \(size) is not a positive multiple of the block size \(blockSize)")
        }
        guard size / UInt64(blockSize) <= UInt64(UInt32.max) else {
            throw BlockStoreError.invalidArgument("size \(size) has too many blocks of \(blockSize) bytes")
        }
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDirectory) {
            let entries = (try? fm.contentsOfDirectory(atPath: path)) ?? []
            guard isDirectory.boolValue, entries.isEmpty else {
                throw BlockStoreError.invalidArgument("\(path) already exists and is not an empty directory")
            }
        } else {
            do {
                try fm.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw BlockStoreError.io("mkdir", path: path, errno: EACCES)
            }
        }
        var state = DiskState(identity: identity.bytes, size: size, blockSize: blockSize)
        state.lastSequence = 0
        _ = try RawFile(path: path + "/data", create: true)
        _ = try RawFile(path: path + "/journal", create: true)
        try writeCheckpoint(state, directory: path)
        return try open(at: path)
    }

    /// Opens an existing disk, replaying its journal.
    public static func open(at path: String) throws -> VirtualDisk {
        try VirtualDisk(path: path)
    }

    private init(path: String) throws {
        self.path = path
        let journalFile = try RawFile(path: path + "/journal")
        try journalFile.lockExclusively(diskPath: path)
        let journal = try Journal(file: journalFile)
        data = try RawFile(path: path + "/data")
        let checkpointFile: RawFile
        do {
            checkpointFile = try RawFile(path: path + "/checkpoint", readOnly: true)
        } catch {
            throw BlockStoreError.corruptMetadata(disk: path, "checkpoint is missing")
        }
        var state = try DiskState.decodeCheckpoint(try checkpointFile.readAll(), diskPath: path)
        var noSlots: SlotTable? = nil
        for (seq, record) in try journal.replay(after: state.lastSequence, diskPath: path) {
            try state.apply(record, slots: &noSlots, diskPath: path)
            state.lastSequence = seq
        }
        let dataSlots = UInt32(clamping: (try data.size() + UInt64(state.blockSize) - 1) / UInt64(state.blockSize))
        let slotCount = max(state.slotCount, dataSlots)
        state.slotCount = slotCount
        let slots = SlotTable(slotCount: slotCount, maps: [state.map] + state.points.map(\.map))
        identity = UUID(bytes: state.identity)
        size = state.size
        blockSize = state.blockSize
        blockCount = state.blockCount
        writer = Locked(journal)
        core = Locked(Core(state: state, slots: slots))
    }

    /// Checkpoints and releases the disk's lock so another process (or ``open(at:)``) may open it.
    /// The object must not be used afterwards.
    public func close() throws {
        try writer.withLock { journal in
            try checkpointLocked(journal)
            journal.file.unlock()
        }
    }

    /// Writes a checkpoint and empties the journal. Called automatically as the journal grows.
    public func checkpoint() throws {
        try writer.withLock { journal in try checkpointLocked(journal) }
    }

    private func checkpointLocked(_ journal: Journal) throws {
        let (state, free) = core.withLock { ($0.state, $0.slots.freeSlots) }
        try Self.writeCheckpoint(state, directory: path)
        try journal.reset()
        for slot in free { data.punchHole(offset: UInt64(slot - 1) * UInt64(blockSize), length: UInt64(blockSize)) }
    }

    private static func writeCheckpoint(_ state: DiskState, directory: String) throws {
        let temporary = directory + "/checkpoint.tmp"
        let file = try RawFile(path: temporary, create: true)
        try file.truncate(to: 0)
        try file.write(state.encodeCheckpoint(), at: 0)
        try file.sync()
        guard rename(temporary, directory + "/checkpoint") == 0 else {
            throw BlockStoreError.io("rename", path: temporary, errno: errno)
        }
        try RawFile.syncDirectory(directory)
    }

    // MARK: Journaled changes

    /// Appends `records` to the journal (one durable append) and applies them. Caller holds the writer lock.
    func commitLocked(_ records: [JournalRecord], journal: Journal) throws {
        let first = core.withLock { $0.state.lastSequence + 1 }
        for (i, record) in records.enumerated() { try journal.append(record, sequence: first + UInt64(i)) }
        try core.withLock { core in
            var slots: SlotTable? = core.slots
            for (i, record) in records.enumerated() {
                try core.state.apply(record, slots: &slots, diskPath: path)
                core.state.lastSequence = first + UInt64(i)
            }
            if let slots { core.slots = slots }
        }
        if journal.length > checkpointThreshold { try checkpointLocked(journal) }
    }

    // MARK: Writing

    /// Writes `bytes` at `offset`; durable when it returns.
    public func write(_ bytes: [UInt8], at offset: UInt64) throws {
        try bytes.withUnsafeBytes { try write($0, at: offset) }
    }

    /// Writes `bytes` at `offset`; durable when it returns.
    public func write(_ bytes: UnsafeRawBufferPointer, at offset: UInt64) throws {
        guard bytes.count > 0 else { return }
        try checkRange(offset: offset, count: bytes.count)
        let bs = UInt64(blockSize)
        let first = Int(offset / bs)
        let last = Int((offset + UInt64(bytes.count) - 1) / bs)
        try writer.withLock { journal in
            var entries: [JournalRecord.Entry] = []
            var allocated: [UInt32] = []
            var scratch = [UInt8](repeating: 0, count: blockSize)
            do {
                for block in first...last {
                    let blockStart = UInt64(block) * bs
                    let from = max(offset, blockStart)
                    let to = min(offset + UInt64(bytes.count), blockStart + bs)
                    let source = UnsafeRawBufferPointer(rebasing: bytes[Int(from - offset)..<Int(to - offset)])
                    let ref: BlockRef
                    if from == blockStart, to == blockStart + bs {
                        ref = try store(source, allocated: &allocated)
                    } else {
                        try scratch.withUnsafeMutableBytes { buffer in
                            try readBlock(block, ref: currentRef(block), point: nil, into: buffer)
                            buffer.baseAddress!.advanced(by: Int(from - blockStart))
                                .copyMemory(from: source.baseAddress!, byteCount: source.count)
                        }
                        ref = try scratch.withUnsafeBytes { try store($0, allocated: &allocated) }
                    }
                    entries.append(.init(index: UInt64(block), ref: ref))
                }
                if !allocated.isEmpty { try data.syncData() }
                try commitLocked([.blocks(entries)], journal: journal)
            } catch {
                core.withLock { core in for slot in allocated { core.slots.abandon(slot) } }
                throw error
            }
        }
    }

    /// Stores one block's content in a fresh slot (or as a hole when it is all zeros).
    func store(_ block: UnsafeRawBufferPointer, allocated: inout [UInt32]) throws -> BlockRef {
        if BlockChecksum.isZero(block) { return .hole(blockSize: blockSize) }
        let slot = core.withLock { $0.slots.allocate() }
        allocated.append(slot)
        try data.write(block, at: UInt64(slot - 1) * UInt64(blockSize))
        return BlockRef(slot: slot, crc: BlockChecksum.crc32(block))
    }

    private func currentRef(_ block: Int) -> BlockRef { core.withLock { $0.state.map[block] } }

    func checkRange(offset: UInt64, count: Int) throws {
        let (end, overflow) = offset.addingReportingOverflow(UInt64(count))
        guard count >= 0, !overflow, end <= size else {
            throw BlockStoreError.outOfRange("offset \(offset) length \(count) exceeds the disk size \(size)")
        }
    }

    // MARK: Reading

    /// Reads `count` bytes at `offset`, from the live disk or from recovery point `point`.
    public func read(at offset: UInt64, count: Int, point: UInt64? = nil) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        try out.withUnsafeMutableBytes { try read(into: $0, at: offset, point: point) }
        return out
    }

    /// Reads `buffer.count` bytes at `offset` into `buffer`.
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64, point: UInt64? = nil) throws {
        guard buffer.count > 0 else { return }
        try checkRange(offset: offset, count: buffer.count)
        let bs = UInt64(blockSize)
        let first = Int(offset / bs)
        let last = Int((offset + UInt64(buffer.count) - 1) / bs)
        let view = try makeView(point: point, blocks: first...last)
        defer { view.release() }
        var scratch: [UInt8] = []
        for block in first...last {
            let blockStart = UInt64(block) * bs
            let from = max(offset, blockStart)
            let to = min(offset + UInt64(buffer.count), blockStart + bs)
            let target = UnsafeMutableRawBufferPointer(rebasing: buffer[Int(from - offset)..<Int(to - offset)])
            let ref = view.refs[block - first]
            if from == blockStart, to == blockStart + bs {
                try readBlock(block, ref: ref, point: point, into: target)
            } else {
                if scratch.isEmpty { scratch = [UInt8](repeating: 0, count: blockSize) }
                try scratch.withUnsafeMutableBytes { s in
                    try readBlock(block, ref: ref, point: point, into: s)
                    target.copyMemory(from: UnsafeRawBufferPointer(rebasing: s[Int(from - blockStart)..<Int(to - blockStart)]))
                }
            }
        }
    }

    /// Reads one whole block and verifies its checksum.
    func readBlock(_ block: Int, ref: BlockRef, point: UInt64?, into buffer: UnsafeMutableRawBufferPointer) throws {
        if ref.slot == 0 {
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
            guard ref.crc == ZeroBlock.crc(blockSize: blockSize) else {
                throw BlockStoreError.corruptBlock(disk: path, block: block, point: point)
            }
            return
        }
        try data.read(into: buffer, at: UInt64(ref.slot - 1) * UInt64(blockSize))
        guard BlockChecksum.crc32(UnsafeRawBufferPointer(buffer)) == ref.crc else {
            throw BlockStoreError.corruptBlock(disk: path, block: block, point: point)
        }
    }

    /// Pins the slots of the live disk or of a point for a consistent read.
    func makeView(point: UInt64?, blocks: ClosedRange<Int>? = nil) throws -> DiskView {
        try core.withLock { core in
            let map: [BlockRef]
            let epoch: UInt64
            if let point {
                guard let p = core.state.point(point) else { throw BlockStoreError.pointNotFound(disk: path, point: point) }
                map = p.map
                epoch = p.epoch
            } else {
                map = core.state.map
                epoch = core.state.epoch
            }
            let refs = blocks.map { Array(map[$0]) } ?? map
            return DiskView(disk: self, refs: refs, epoch: epoch, token: core.slots.pin())
        }
    }

    // MARK: Change tracking

    /// The current change-tracking epoch; it advances when a recovery point is taken.
    public var epoch: UInt64 { core.withLock { $0.state.epoch } }

    /// Blocks written after epoch `epoch` (for example after ``RecoveryPoint/epoch``), in ascending order.
    public func changedBlocks(sinceEpoch epoch: UInt64) -> [Int] {
        core.withLock { core in core.state.changedEpoch.indices.filter { core.state.changedEpoch[$0] > epoch } }
    }

    /// Blocks whose content may differ between recovery point `point` and the live disk (or point `until`).
    public func changedBlocks(since point: UInt64, until: UInt64? = nil) throws -> [Int] {
        try core.withLock { core in
            guard let base = core.state.point(point) else { throw BlockStoreError.pointNotFound(disk: path, point: point) }
            var map = core.state.map
            if let until {
                guard let p = core.state.point(until) else { throw BlockStoreError.pointNotFound(disk: path, point: until) }
                map = p.map
            }
            return map.indices.filter { map[$0] != base.map[$0] }
        }
    }

    // MARK: Recovery points

    /// The recovery points, oldest first.
    public var recoveryPoints: [RecoveryPoint] {
        core.withLock { $0.state.points.map(RecoveryPoint.init) }
    }

    /// Takes a recovery point of the live disk; prunes the oldest beyond ``maximumRecoveryPoints``.
    @discardableResult
    public func createRecoveryPoint(applicationConsistent: Bool = false) throws -> RecoveryPoint {
        try writer.withLock { journal in
            let id = core.withLock { $0.state.nextPointID }
            let now = UInt64(max(0, Date().timeIntervalSince1970 * 1000))
            try commitLocked([.createPoint(id: id, createdAt: now, applicationConsistent: applicationConsistent)],
                             journal: journal)
            return try core.withLock { core in
                guard let p = core.state.point(id) else { throw BlockStoreError.invalidState("point \(id) vanished") }
                return RecoveryPoint(p)
            }
        }
    }

    /// Deletes recovery point `id`; other points are unaffected.
    public func deleteRecoveryPoint(_ id: UInt64) throws {
        try writer.withLock { journal in
            guard core.withLock({ $0.state.point(id) }) != nil else {
                throw BlockStoreError.pointNotFound(disk: path, point: id)
            }
            try commitLocked([.deletePoint(id: id)], journal: journal)
        }
    }

    /// Makes the live disk equal to recovery point `id`. Points are kept; the reverted blocks count as changes.
    public func revert(to id: UInt64) throws {
        try writer.withLock { journal in
            guard core.withLock({ $0.state.point(id) }) != nil else {
                throw BlockStoreError.pointNotFound(disk: path, point: id)
            }
            try commitLocked([.revert(id: id)], journal: journal)
        }
    }

    // MARK: Digest and verification

    /// SHA-256 of the logical content of the live disk or of recovery point `point`.
    public func digest(point: UInt64? = nil, progress: ((Int) -> Void)? = nil) throws -> [UInt8] {
        let view = try makeView(point: point)
        defer { view.release() }
        let hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: blockSize)
        let zeros = [UInt8](repeating: 0, count: blockSize)
        for block in 0..<blockCount {
            let ref = view.refs[block]
            if ref.slot == 0 {
                try buffer.withUnsafeMutableBytes { try readBlock(block, ref: ref, point: point, into: $0) }
                hasher.update(zeros)
            } else {
                try buffer.withUnsafeMutableBytes { try readBlock(block, ref: ref, point: point, into: $0) }
                hasher.update(buffer)
            }
            progress?(block + 1)
        }
        return hasher.finalize()
    }

    /// Checks every stored block of the live disk and of every recovery point; returns the bad ones.
    public func verify() throws -> [BadBlock] {
        let (maps, points) = core.withLock { core in
            ([core.state.map] + core.state.points.map(\.map), [nil] + core.state.points.map { Optional($0.id) })
        }
        var computed: [UInt32: UInt32?] = [:]
        var buffer = [UInt8](repeating: 0, count: blockSize)
        var bad: [BadBlock] = []
        let token = core.withLock { $0.slots.pin() }
        defer { core.withLock { $0.slots.unpin(token) } }
        for (map, point) in zip(maps, points) {
            for (block, ref) in map.enumerated() {
                let actual: UInt32?
                if ref.slot == 0 {
                    actual = ZeroBlock.crc(blockSize: blockSize)
                } else if let known = computed[ref.slot] {
                    actual = known
                } else {
                    actual = slotCRC(ref.slot, buffer: &buffer)
                    computed[ref.slot] = actual
                }
                if actual != ref.crc { bad.append(BadBlock(block: block, point: point)) }
            }
        }
        return bad
    }

    private func slotCRC(_ slot: UInt32, buffer: inout [UInt8]) -> UInt32? {
        try? buffer.withUnsafeMutableBytes { b in
            try data.read(into: b, at: UInt64(slot - 1) * UInt64(blockSize))
            return BlockChecksum.crc32(UnsafeRawBufferPointer(b))
        }
    }

    /// Bytes the data file occupies on the file system (holes excluded).
    public func allocatedBytes() throws -> UInt64 { try data.allocatedBytes() }
}

/// A pinned, consistent map of (part of) a disk; release it when done.
final class DiskView: @unchecked Sendable {
    let refs: [BlockRef]
    let epoch: UInt64
    private let disk: VirtualDisk
    private let token: UInt64
    private var released = false

    init(disk: VirtualDisk, refs: [BlockRef], epoch: UInt64, token: UInt64) {
        self.disk = disk
        self.refs = refs
        self.epoch = epoch
        self.token = token
    }

    func release() {
        guard !released else { return }
        released = true
        disk.core.withLock { $0.slots.unpin(token) }
    }

    deinit { release() }
}

extension RecoveryPoint {
    init(_ record: PointRecord) {
        self.init(id: record.id, epoch: record.epoch,
                  creationTime: Date(timeIntervalSince1970: Double(record.createdAtMilliseconds) / 1000),
                  isApplicationConsistent: record.applicationConsistent)
    }
}

extension UUID {
    var bytes: [UInt8] { withUnsafeBytes(of: uuid) { Array($0) } }

    init(bytes: [UInt8]) {
        var u: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &u) { dst in for i in 0..<min(16, bytes.count) { dst[i] = bytes[i] } }
        self.init(uuid: u)
    }
}
