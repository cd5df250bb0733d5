import CIM
import Foundation
import Providers

/// `Msvm_VirtualSystemManagementService.DestroySystem`: removing a virtual machine of this host.
extension ReplicationEngine {
    /// Removes the VM `vmPath` names in a job: a test replica (ReplicationMode 3) with its disks (JobType 103,
    /// Remove Test Replica, what Stop-VMFailover does); any other VM with its configuration, its replication
    /// relationships on this host and its recovery points, leaving its virtual hard disks as Windows does
    /// (JobType 3). A replica's test VM goes with it.
    ///
    /// Returns 32773 when `vmPath` names no VM of this host (the host itself included) and 32775 unless the VM
    /// is off or saved — Windows requires that too.
    public func destroySystem(_ vmPath: CIMObjectPath?) throws -> MethodResult {
        guard let vm = inventory.virtualMachine(at: vmPath), let name = vm["Name"]?.stringValue else {
            return Self.result(.invalidParameter)
        }
        guard [.disabled, .enabledButOffline].contains(inventory.enabledState(of: name)) else {
            return Self.result(.invalidState)
        }
        let isTestReplica = vm["ReplicationMode"]?.int64Value == Int64(ReplicationMode.testReplica.rawValue)
        let job = try startJob(isTestReplica ? .removeTestReplica : .destroyVirtualMachine, name) { progress in
            if isTestReplica {
                try await self.destroyTestSystem(name, progress: progress)
            } else {
                try await self.destroyVirtualMachine(name, progress: progress)
            }
            progress.report(percent: 100)
        }
        return Self.started(job)
    }

    /// Deletes a test replica VM and its disks, and forgets it on the replica it was made from.
    func destroyTestSystem(_ testName: String, progress: JobProgress) async throws {
        let deviceIDs = inventory.diskDeviceIDs(of: testName)
        for (index, deviceID) in deviceIDs.enumerated() {
            try await disks.remove(deviceID: deviceID)
            progress.report(percent: (index + 1) * 80 / max(deviceIDs.count, 1))
        }
        inventory.deleteVirtualMachine(testName, schema: diskContext.schema)
        for record in records.values where record.testSystemName?.caseInsensitiveCompare(testName) == .orderedSame {
            try update(record.vmName) { $0.testSystemName = nil }
        }
    }

    /// Deletes a VM's configuration, its replication records and its recovery points; its disks stay.
    func destroyVirtualMachine(_ vmName: String, progress: JobProgress) async throws {
        if let testName = record(vmName)?.testSystemName, inventory.computerSystem(testName) != nil {
            try await destroyTestSystem(testName, progress: progress)
        }
        let deviceIDs = record(vmName)?.disks ?? inventory.diskDeviceIDs(of: vmName)
        for side in ReplicationRelationshipSide.allCases {
            let key = Self.cycleKey(vmName, side)
            cycles.removeValue(forKey: key)?.cancel()
            transfers.removeValue(forKey: key)?.cancel()
        }
        if record(vmName) != nil {
            try recordStore.delete(vmName: vmName)
            records[vmName.lowercased()] = nil
        }
        // Its recovery points are snapshots of the VM, which Windows destroys with it.
        for disk in try await openDisks(deviceIDs) {
            for point in disk.recoveryPoints { try disk.deleteRecoveryPoint(point.id) }
        }
        progress.report(percent: 50)
        inventory.deleteVirtualMachine(vmName, schema: diskContext.schema)
    }
}
