import BlockStore
import Foundation
import Providers

/// Failover, test failover, reverse, import and removal.
extension ReplicationEngine {
    /// Reverts every disk of the replica to `point` and completes the failover (state 5, Recovered).
    func failover(_ vmName: String, to point: RecoveryPointRecord?, progress: JobProgress) async throws {
        guard let record = record(vmName), let point, point.points.count == record.disks.count else {
            _ = try? commit(.jobCancelled(.initiateFailover, .primary), to: vmName)
            throw JobFailure(errorCode: 32773, errorDescription: "The recovery point does not exist.")
        }
        let targets = try await openDisks(record.disks)
        for (index, (disk, id)) in zip(targets, point.points).enumerated() {
            try disk.revert(to: id)
            progress.report(percent: (index + 1) * 90 / targets.count)
        }
        try commit(.failoverCompleted, to: vmName) { record, _ in
            record.failoverPoint = point
        }
    }

    /// Back to the latest recovery point, as before the failover.
    func discardFailover(_ vmName: String) async throws {
        guard let record = record(vmName) else { return }
        if let latest = record.recoveryPoints.last, latest.points.count == record.disks.count {
            let targets = try await openDisks(record.disks)
            for (disk, id) in zip(targets, latest.points) { try disk.revert(to: id) }
        }
        try update(vmName) { $0.failoverPoint = nil }
    }

    /// Keeps the failed-over point; every other recovery point goes.
    func flattenRecoveryPoints(_ vmName: String) async throws {
        guard let record = record(vmName) else { return }
        let keep = record.failoverPoint
        let targets = try await openDisks(record.disks)
        for point in record.recoveryPoints where point.instanceID != keep?.instanceID {
            for (disk, id) in zip(targets, point.points) { try? disk.deleteRecoveryPoint(id) }
        }
        try update(vmName) { record in
            record.recoveryPoints = keep.map { [$0] } ?? []
            record.failoverPoint = nil
        }
    }

    /// `ReverseReplicationRelationship`: tells the old primary to become the replica, then makes this VM the
    /// primary. After a planned failover the disks match, so replication goes on from the failed-over point;
    /// after an unplanned one an initial replication is needed.
    func reverse(_ vmName: String, settings: ReplicationSettings) async throws {
        guard let record = record(vmName) else { return }
        let planned = record.machine.primary.failedOverReplicationType == .planned
        do {
            _ = try await call(
                .notify, to: settings.recoveryConnectionPoint,
                PeerMessage.Notify(vmName: vmName, event: planned ? .reversedPlanned : .reversedUnplanned),
                settings: settings, as: PeerMessage.Empty.self)
        } catch {
            throw Self.jobFailure(error, doing: "Could not reverse replication to \(settings.recoveryConnectionPoint)")
        }
        let base = record.recoveryPoints.last?.points ?? record.failoverPoint?.points ?? []
        let now = clock.now()
        do {
            try commit(.reverseReplicationRelationship, to: vmName) { record, transition in
                var link = ReplicationLink(peerHost: settings.recoveryConnectionPoint, primaryHost: self.hostName,
                                           recoveryHost: settings.recoveryConnectionPoint, settings: settings, now: now)
                if transition.next.primary.state == .replicating {
                    link.basePoints = base
                    link.lastReplicationTime = now
                }
                record[link: .primary] = link
                record.recoveryPoints = []
                record.failoverPoint = nil
            }
        } catch {
            throw Self.jobFailure(error, doing: "Reversing replication")
        }
    }

    /// `ImportInitialReplica`: each exported disk becomes the replica's disk content, then the primary is told.
    func importInitialReplica(_ vmName: String, from location: String, progress: JobProgress) async throws {
        guard let record = record(vmName) else { return }
        let directory = URL(fileURLWithPath: location, isDirectory: true)
        let manifest: ExportManifest
        do {
            manifest = try JSONDecoder().decode(
                ExportManifest.self, from: Data(contentsOf: directory.appendingPathComponent(ExportManifest.fileName)))
        } catch {
            throw JobFailure(errorCode: 32779, errorDescription: "\(location) holds no initial replica: \(error)")
        }
        guard manifest.vmName.caseInsensitiveCompare(vmName) == .orderedSame,
            manifest.disks.count == record.disks.count
        else {
            throw JobFailure(errorCode: 32773,
                             errorDescription: "\(location) holds the initial replica of another virtual machine.")
        }
        let targets = try await openDisks(record.disks)
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("wmilab-import-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        for (index, (entry, target)) in zip(manifest.disks, targets).enumerated() {
            // The export becomes a disk of its own, verified block by block, then streams into the replica disk.
            let imported = try VirtualDisk.importDisk(
                from: directory.appendingPathComponent(entry.directory).path,
                to: scratch.appendingPathComponent("disk\(index)").path)
            let producer = try imported.makeFullStream()
            let applier = ReplicationStreamApplier(disk: target)
            while let chunk = try producer.nextChunk() { try applier.feed(chunk) }
            _ = try applier.finish()
            try? imported.close()
            progress.report(percent: (index + 1) * 90 / targets.count)
        }
        try await replicaApplied(vmName, PeerMessage.ApplyStream(
            vmName: vmName, diskIndex: record.disks.count - 1, diskCount: record.disks.count,
            purpose: .initialReplication, pointKind: .standard))
        if let link = self.record(vmName)?[link: .primary] {
            do {
                _ = try await call(.notify, to: link.peerHost,
                                   PeerMessage.Notify(vmName: vmName, event: .initialReplicaImported),
                                   settings: link.settings, as: PeerMessage.Empty.self)
            } catch {
                logger.warning("the primary was not told of the import",
                               metadata: ["vm": "\(vmName)", "error": "\(error)"])
            }
        }
    }

    /// `TestReplicaSystem`: a new VM "<name> - Test" (ReplicationMode 3) whose disks are copies of the point.
    func createTestSystem(of vmName: String, named testName: String, from point: RecoveryPointRecord,
                          progress: JobProgress) async throws
    {
        guard let record = record(vmName) else { return }
        let sources = try await openDisks(record.disks)
        let geometries = zip(record.disks, sources).map {
            DiskGeometry(fileName: "\(record.elementName) - Test - " + Self.fileName(of: $0.0), size: $0.1.size,
                         blockSize: $0.1.blockSize)
        }
        let now = clock.now()
        let location = record.disks.first.map { deviceID -> String in
            let parts = deviceID.split(separator: "\\", omittingEmptySubsequences: false)
            return parts.count > 1 ? parts.dropLast().joined(separator: "\\") : Self.defaultReplicaStorageLocation
        } ?? Self.defaultReplicaStorageLocation
        let deviceIDs = try inventory.createVirtualMachine(
            name: testName, elementName: "\(record.elementName) - Test", disks: geometries,
            storageLocation: location, now: now)
        let copies = try await openDisks(deviceIDs)
        for (index, (source, copy)) in zip(sources, copies).enumerated() {
            let pointID = point.points.indices.contains(index) ? point.points[index] : nil
            let producer = try source.makeFullStream(point: pointID)
            let applier = ReplicationStreamApplier(disk: copy)
            while let chunk = try producer.nextChunk() { try applier.feed(chunk) }
            _ = try applier.finish()
            progress.report(percent: (index + 1) * 90 / copies.count)
        }
        try inventory.update(VirtualMachineInventory.computerSystemPath(testName), [
            ("ReplicationMode", .uint16(ReplicationMode.testReplica.rawValue)),
        ])
        try inventory.insertAssociation(
            "Msvm_ReplicaSystemDependency", ("Antecedent", VirtualMachineInventory.computerSystemPath(vmName)),
            ("Dependent", VirtualMachineInventory.computerSystemPath(testName)))
        try update(vmName) { record in
            record.testSystemName = testName
            record[link: .primary]?.statistics.lastTestFailoverTime = now
        }
    }

    /// Removes the relationship on this side only; a replica VM stays, as on Windows.
    func removeRelationship(_ vmName: String, _ side: ReplicationRelationshipSide) async throws {
        let key = Self.cycleKey(vmName, side)
        cycles[key]?.cancel()
        cycles[key] = nil
        transfers[key]?.cancel()
        guard let record = record(vmName) else { return }
        let targets = try await openDisks(record.disks)
        // Point IDs are per disk: entry i of each list belongs to disk i.
        var lists = [record[link: side]?.basePoints ?? []]
        if side == .primary { lists += record.recoveryPoints.map(\.points) }
        for list in lists {
            for (disk, id) in zip(targets, list) { try? disk.deleteRecoveryPoint(id) }
        }
        try update(vmName) { record in
            record[link: side] = nil
            if side == .primary {
                record.recoveryPoints = []
                record.failoverPoint = nil
            }
        }
        if self.record(vmName)?.machine.mode == ReplicationMode.none {
            try recordStore.delete(vmName: vmName)
            records[vmName.lowercased()] = nil
        }
    }
}
