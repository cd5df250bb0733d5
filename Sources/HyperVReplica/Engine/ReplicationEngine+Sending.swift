import BlockStore
import Foundation
import PeerTransport
import Providers

/// The sending side: initial replication (network, export, seeded), delta cycles and resynchronization.
extension ReplicationEngine {
    /// What a sender needs to ship: the link, the source disks and the state.
    struct SendingContext: Sendable {
        var link: ReplicationLink
        var disks: [String]
        var diskCount: Int { disks.count }
    }

    func sendingContext(_ vmName: String, _ side: ReplicationRelationshipSide) throws -> SendingContext {
        guard let record = record(vmName), let link = record[link: side] else {
            throw JobFailure(errorCode: 32775, errorDescription: "The virtual machine \(vmName) does not replicate.")
        }
        return SendingContext(link: link, disks: record.disks)
    }

    // MARK: Initial replication

    func initialReplication(
        _ vmName: String, side: ReplicationRelationshipSide, type: InitialReplicationType, exportLocation: String?,
        progress: JobProgress
    ) async throws {
        let context = try sendingContext(vmName, side)
        let sources = try await openDisks(context.disks)
        var points: [UInt64] = []
        do {
            for disk in sources { points.append(try disk.createRecoveryPoint().id) }
            switch type {
            case .networkTransfer, .seededNetworkTransfer:
                let bytes = try await ship(
                    vmName, context: context, sources: sources, points: points, purpose: .initialReplication,
                    kind: .standard, seeded: type == .seededNetworkTransfer, progress: progress)
                try commitShipped(vmName, side, points: points, bytes: bytes, initial: true)
            case .export:
                try exportInitialReplica(vmName, sources: sources, points: points, to: exportLocation ?? "",
                                         progress: progress)
                try update(vmName) { $0[link: side]?.exportedPoints = points }
            }
        } catch {
            for (disk, point) in zip(sources, points) { try? disk.deleteRecoveryPoint(point) }
            // The relationship goes back to Ready for replication, so StartReplication can be called again.
            _ = try? commit(.jobCancelled(type.jobType, side), to: vmName)
            throw Self.jobFailure(error, doing: "Initial replication of \(vmName) failed")
        }
    }

    /// Streams each disk (its point) to the peer; returns the block bytes shipped.
    nonisolated func ship(
        _ vmName: String, context: SendingContext, sources: [VirtualDisk], points: [UInt64],
        purpose: PeerMessage.StreamPurpose, kind: RecoveryPointKind, seeded: Bool = false, bases: [UInt64]? = nil,
        progress: JobProgress?
    ) async throws -> UInt64 {
        let settings = context.link.settings
        let compression: Int32? = settings.compressionEnabled ? 1 : nil
        let total = max(1, sources.reduce(UInt64(0)) { $0 + $1.size })
        var bytes: UInt64 = 0
        for (index, disk) in sources.enumerated() {
            let producer: ReplicationStreamProducer
            if seeded {
                let map = try await call(
                    .checksumMap, to: context.link.peerHost,
                    PeerMessage.ChecksumMapRequest(vmName: vmName, diskIndex: index), settings: settings,
                    as: PeerMessage.ChecksumMapReply.self)
                guard let data = Data(base64Encoded: map.map) else {
                    throw PeerError.protocolError("the checksum map of disk \(index) is not base64")
                }
                producer = try disk.makeSeedingStream(
                    against: try ChecksumMap(serialized: [UInt8](data)), point: points[index],
                    compressionLevel: compression)
            } else if let bases {
                producer = try disk.makeDeltaStream(since: bases[index], point: points[index],
                                                    compressionLevel: compression)
            } else {
                producer = try disk.makeFullStream(point: points[index], compressionLevel: compression)
            }
            // PercentComplete follows the disk positions streamed (a hole costs as little as it weighs).
            let diskStart = UInt64(index) * (total / UInt64(max(1, sources.count)))
            let upload = ReplicationUpload(producer: producer) {
                let done = diskStart + UInt64(producer.statistics.dataFrames + producer.statistics.zeroFrames)
                    * UInt64(disk.blockSize)
                progress?.report(percent: Int(min(99, done * 100 / total)))
            }
            _ = try await call(
                .applyStream, to: context.link.peerHost,
                PeerMessage.ApplyStream(vmName: vmName, diskIndex: index, diskCount: sources.count, purpose: purpose,
                                        pointKind: kind),
                settings: settings, body: upload, as: PeerMessage.ApplyStreamReply.self)
            bytes += producer.statistics.blockBytes
        }
        return bytes
    }

    /// Records a replica the peer applied: the new base points (older ones deleted), the time and statistics.
    func commitShipped(
        _ vmName: String, _ side: ReplicationRelationshipSide, points: [UInt64], bytes: UInt64, initial: Bool,
        kind: RecoveryPointKind = .standard, started: Date? = nil
    ) throws {
        let now = clock.now()
        let old = record(vmName)?[link: side]?.basePoints ?? []
        let event: ReplicationEvent =
            initial ? .initialReplicationCompleted(side)
            : .deltaCompleted(kind.failedOverReplicationType, side)
        if !initial, record(vmName)?.machine.relationship(side)?.state == .critical {
            try commit(.linkRestored(side), to: vmName)
        }
        do {
            try commit(event, to: vmName) { record, _ in
                record[link: side]?.basePoints = points
                record[link: side]?.exportedPoints = nil
                record[link: side]?.lastReplicationTime = now
                if kind == .applicationConsistent { record[link: side]?.lastApplicationConsistentTime = now }
                record[link: side]?.consecutiveMisses = 0
                record[link: side]?.statistics.recordReplica(
                    bytes: bytes, seconds: started.map { now.timeIntervalSince($0) } ?? 0)
            }
        } catch let refusal as ReplicationRefusal where initial {
            // The replica's own notification may have completed it first; only the base points are left to keep.
            guard record(vmName)?.machine.relationship(side)?.state == .replicating else { throw refusal }
            try update(vmName) { record in
                record[link: side]?.basePoints = points
                record[link: side]?.exportedPoints = nil
            }
        }
        Task { [disks = record(vmName)?.disks ?? []] in
            let sources = try await self.openDisks(disks)
            for (disk, point) in zip(sources, old) where !points.contains(point) {
                try? disk.deleteRecoveryPoint(point)
            }
        }
    }

    func exportInitialReplica(
        _ vmName: String, sources: [VirtualDisk], points: [UInt64], to location: String, progress: JobProgress
    ) throws {
        guard let record = record(vmName) else { return }
        let directory = URL(fileURLWithPath: location, isDirectory: true)
            .appendingPathComponent("\(record.elementName)_\(vmName)", isDirectory: true)
        var manifest = ExportManifest(vmName: vmName, elementName: record.elementName, sourceHost: hostName, disks: [])
        for (index, disk) in sources.enumerated() {
            let folder = "disk\(index)"
            try disk.export(to: directory.appendingPathComponent(folder).path, point: points[index]) { fraction in
                progress.report(percent: Int((Double(index) + fraction) * 99 / Double(sources.count)))
            }
            manifest.disks.append(.init(fileName: Self.fileName(of: record.disks[index]), directory: folder))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(manifest).write(to: directory.appendingPathComponent(ExportManifest.fileName))
    }

    // MARK: Delta cycles

    /// Starts the delta loop of every sending relationship of the record that replicates (or waits for its link).
    func startCycles(for record: ReplicationRecord) {
        for side in ReplicationRelationshipSide.allCases {
            let key = Self.cycleKey(record.vmName, side)
            let active: Set<ReplicationState> = [.replicating, .critical]
            let wanted = record.machine.role(of: side) == .sending
                && active.contains(record.machine.relationship(side)?.state ?? .disabled)
            if wanted, cycles[key] == nil {
                let vmName = record.vmName
                cycles[key] = Task { await self.cycleLoop(vmName, side) }
            } else if !wanted, let task = cycles[key] {
                task.cancel()
                cycles[key] = nil
            }
        }
    }

    func cycleLoop(_ vmName: String, _ side: ReplicationRelationshipSide) async {
        while !Task.isCancelled {
            let interval = Double(record(vmName)?[link: side]?.settings.replicationInterval ?? 300)
            do {
                try await clock.sleep(seconds: interval)
            } catch {
                return
            }
            guard !Task.isCancelled else { return }
            do {
                try await deltaCycle(vmName, side, kind: nil, failJob: false)
            } catch {
                logger.debug("delta cycle failed", metadata: ["vm": "\(vmName)", "error": "\(error)"])
            }
        }
    }

    /// One replication cycle: a new point on every disk, the blocks changed since the base point shipped.
    /// A peer that cannot be reached counts a missed cycle (and, once most cycles are missed, moves the
    /// relationship to Critical); the next cycle ships everything since the same base.
    func deltaCycle(_ vmName: String, _ side: ReplicationRelationshipSide, kind requested: RecoveryPointKind?,
                    failJob: Bool) async throws
    {
        guard let record = record(vmName), let link = record[link: side],
            let state = record.machine.relationship(side)?.state,
            [.replicating, .critical, .syncedReplicationComplete].contains(state),
            link.basePoints.count == record.disks.count
        else { return }
        let now = clock.now()
        let kind = requested ?? Self.pointKind(link, now: now)
        let context = SendingContext(link: link, disks: record.disks)
        let sources = try await openDisks(record.disks)
        var points: [UInt64] = []
        do {
            for disk in sources {
                points.append(try disk.createRecoveryPoint(applicationConsistent: kind == .applicationConsistent).id)
            }
            let bytes = try await ship(vmName, context: context, sources: sources, points: points, purpose: .delta,
                                       kind: kind, bases: link.basePoints, progress: nil)
            try commitShipped(vmName, side, points: points, bytes: bytes, initial: false, kind: kind, started: now)
        } catch {
            for (disk, point) in zip(sources, points) { try? disk.deleteRecoveryPoint(point) }
            if error is CancellationError { throw error }
            try recordMiss(vmName, side, sources: sources, bases: link.basePoints, error: error)
            if failJob { throw Self.jobFailure(error, doing: "Sending the replica of \(vmName) failed") }
        }
    }

    static func pointKind(_ link: ReplicationLink, now: Date) -> RecoveryPointKind {
        let hours = Double(link.settings.applicationConsistentSnapshotInterval)
        guard hours > 0 else { return .standard }
        guard let last = link.lastApplicationConsistentTime else { return .applicationConsistent }
        return now.timeIntervalSince(last) >= hours * 3600 ? .applicationConsistent : .standard
    }

    func recordMiss(_ vmName: String, _ side: ReplicationRelationshipSide, sources: [VirtualDisk], bases: [UInt64],
                    error: any Error) throws
    {
        let unreachable = (error as? PeerError)?.isUnreachable ?? false
        var pending: UInt64 = 0
        for (disk, base) in zip(sources, bases) {
            pending += UInt64((try? disk.changedBlocks(since: base).count) ?? 0) * UInt64(disk.blockSize)
        }
        logger.notice("replication cycle missed", metadata: ["vm": "\(vmName)", "error": "\(error)"])
        try update(vmName) { record in
            record[link: side]?.consecutiveMisses += 1
            if unreachable { record[link: side]?.statistics.networkFailureCount &+= 1 }
            record[link: side]?.statistics.pendingSize = pending
        }
        guard record(vmName)?.machine.relationship(side)?.state == .replicating else { return }
        try commit(.cycleMissed(side), to: vmName)
        if let record = record(vmName), inventory.health(record, side, now: clock.now()) == .critical {
            try commit(.replicationFailed(side), to: vmName)
        }
    }

    // MARK: Resynchronization

    /// Compares every block with the replica by checksum and sends the blocks that differ.
    func resynchronization(_ vmName: String, side: ReplicationRelationshipSide, progress: JobProgress) async throws {
        let context = try sendingContext(vmName, side)
        let sources = try await openDisks(context.disks)
        var points: [UInt64] = []
        do {
            for disk in sources { points.append(try disk.createRecoveryPoint().id) }
            let bytes = try await ship(vmName, context: context, sources: sources, points: points,
                                       purpose: .resynchronization, kind: .standard, seeded: true, progress: progress)
            let now = clock.now()
            let old = context.link.basePoints
            try commit(.resynchronizationCompleted(side), to: vmName) { record, _ in
                record[link: side]?.basePoints = points
                record[link: side]?.lastReplicationTime = now
                record[link: side]?.statistics.recordReplica(bytes: bytes, seconds: 0)
            }
            for (disk, point) in zip(sources, old) { try? disk.deleteRecoveryPoint(point) }
        } catch {
            for (disk, point) in zip(sources, points) { try? disk.deleteRecoveryPoint(point) }
            _ = try? commit(.jobCancelled(side == .extended ? .resynchronizingExtendedReplication : .resynchronizing,
                                          side), to: vmName)
            throw Self.jobFailure(error, doing: "Resynchronization of \(vmName) failed")
        }
    }
}

/// `manifest.json` of an exported initial replica directory (`<dir>/<VMName>_<VMId>/`).
struct ExportManifest: Codable, Sendable {
    static let fileName = "manifest.json"

    struct Disk: Codable, Sendable {
        /// The disk's file name on the primary (`app01.vhdx`).
        var fileName: String
        /// The sub-directory holding its block-store export.
        var directory: String
    }

    var format = "wmilab-initial-replica"
    var version = 1
    var vmName: String
    var elementName: String
    var sourceHost: String
    var disks: [Disk]
}
