import BlockStore

/// A job that reads a recovery point (`TestReplicaSystem` copies one into the test VM's disks) holds it, so
/// that a delta arriving meanwhile, which may prune that point, leaves it to the job until the job ends.
extension ReplicationEngine {
    func hold(_ point: RecoveryPointRecord) {
        heldPoints[point.instanceID, default: 0] += 1
    }

    /// Ends a hold; a point pruned while it was held is deleted now.
    func release(_ point: RecoveryPointRecord) async {
        guard let deviceIDs = endHold(point), let targets = try? await openDisks(deviceIDs) else { return }
        for (disk, id) in zip(targets, point.points) { try? disk.deleteRecoveryPoint(id) }
    }

    /// Ends a hold; the device IDs of the point's disks when the point was pruned meanwhile and is to go.
    func endHold(_ point: RecoveryPointRecord) -> [String]? {
        guard let count = heldPoints[point.instanceID] else { return nil }
        guard count == 1 else {
            heldPoints[point.instanceID] = count - 1
            return nil
        }
        heldPoints[point.instanceID] = nil
        return prunedWhileHeld.removeValue(forKey: point.instanceID)
    }

    /// Deletes the block-store points of recovery points the record no longer lists, except held ones.
    func deletePruned(_ points: [RecoveryPointRecord], on targets: [VirtualDisk], deviceIDs: [String]) {
        for point in points {
            if heldPoints[point.instanceID] != nil {
                prunedWhileHeld[point.instanceID] = deviceIDs
                continue
            }
            for (disk, id) in zip(targets, point.points) { try? disk.deleteRecoveryPoint(id) }
        }
    }
}
