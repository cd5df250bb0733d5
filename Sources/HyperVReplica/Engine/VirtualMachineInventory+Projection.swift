import CIM
import Foundation
import Providers

extension VirtualMachineInventory {
    /// Rewrites the WMI view of a replication record: the VM's replication properties, one
    /// `Msvm_ReplicationRelationship` per relationship (with its `Msvm_SystemReplicationRelationship`), the
    /// relationship's `Msvm_ReplicationSettingData`, and the replica's recovery points.
    func project(_ record: ReplicationRecord, now: Date) throws {
        let vmPath = Self.computerSystemPath(record.vmName)
        guard computerSystem(record.vmName) != nil else { return }
        let primary = record.machine.primary
        try update(vmPath, [
            ("ReplicationMode", .uint16(record.machine.mode.rawValue)),
            ("ReplicationState", .uint16(primary.state.rawValue)),
            ("ReplicationHealth", .uint16(health(record, .primary, now: now).rawValue)),
            ("FailedOverReplicationType", .uint16(primary.failedOverReplicationType.rawValue)),
            ("LastReplicationType", .uint16(primary.lastReplicationType.rawValue)),
            ("LastReplicationTime",
             record[link: .primary]?.lastReplicationTime.map { .datetime(CIMDateTime(date: $0)) }),
            ("LastApplicationConsistentReplicationTime",
             record[link: .primary]?.lastApplicationConsistentTime.map { .datetime(CIMDateTime(date: $0)) }),
        ])
        for side in ReplicationRelationshipSide.allCases {
            try projectRelationship(record, side, vmPath: vmPath, now: now)
        }
        try projectRecoveryPoints(record, vmPath: vmPath)
    }

    func health(_ record: ReplicationRecord, _ side: ReplicationRelationshipSide, now: Date) -> ReplicationHealth {
        guard let status = record.machine.relationship(side) else { return .notApplicable }
        let lag = record[link: side]?.lastReplicationTime.map { UInt64(max(0, now.timeIntervalSince($0))) }
        return ReplicationHealth.evaluate(state: status.state, counters: status.counters,
                                          secondsSinceLastReplication: status.state == .replicating ? lag : nil)
    }

    private func projectRelationship(
        _ record: ReplicationRecord, _ side: ReplicationRelationshipSide, vmPath: CIMObjectPath, now: Date
    ) throws {
        let id = Self.relationshipID(record.vmName, side)
        let path = Self.instanceIDPath("Msvm_ReplicationRelationship", id)
        guard let status = record.machine.relationship(side), status.state != .disabled else {
            deleteIfPresent(path)
            for association in associations("Msvm_SystemReplicationRelationship", role: "Dependent", to: path) {
                deleteIfPresent(association.path(keyNames: ["Antecedent", "Dependent"], namespace: Self.namespace))
            }
            if let rsd = replicationSettings(of: record.vmName, side) {
                try update(rsd.path(keyNames: ["InstanceID"], namespace: Self.namespace), [
                    ("PrimaryHostSystem", nil), ("RecoveryHostSystem", nil), ("PrimaryConnectionPoint", nil),
                ])
            }
            return
        }
        let link = record[link: side]
        var relationship = CIMInstance(className: "Msvm_ReplicationRelationship")
        relationship["InstanceID"] = .string(id)
        relationship["ElementName"] = .string(record.elementName)
        relationship["Caption"] = .string("Replication Relationship")
        relationship["ReplicationState"] = .uint16(status.state.rawValue)
        relationship["ReplicationHealth"] = .uint16(health(record, side, now: now).rawValue)
        relationship["FailedOverReplicationType"] = .uint16(status.failedOverReplicationType.rawValue)
        relationship["LastReplicationType"] = .uint16(status.lastReplicationType.rawValue)
        relationship["LastReplicationTime"] = link?.lastReplicationTime.map { .datetime(CIMDateTime(date: $0)) }
        relationship["LastApplyTime"] = link?.lastApplyTime.map { .datetime(CIMDateTime(date: $0)) }
        relationship["LastApplicationConsistentReplicationTime"] =
            link?.lastApplicationConsistentTime.map { .datetime(CIMDateTime(date: $0)) }
        try store.insert(relationship, in: Self.namespace, replacing: true)
        try insertAssociation("Msvm_SystemReplicationRelationship", ("Antecedent", vmPath), ("Dependent", path))

        try ensureReplicationSettings(of: record.vmName, elementName: record.elementName, side)
        if let link, let rsd = replicationSettings(of: record.vmName, side) {
            var values = link.settings.properties
            values += [
                ("PrimaryHostSystem", .string(link.primaryHost)), ("PrimaryConnectionPoint", .string(link.primaryHost)),
                ("RecoveryHostSystem", .string(link.recoveryHost)),
            ]
            try update(rsd.path(keyNames: ["InstanceID"], namespace: Self.namespace), values)
        }
    }

    private func projectRecoveryPoints(_ record: ReplicationRecord, vmPath: CIMObjectPath) throws {
        var wanted = Set(record.recoveryPoints.map(\.instanceID))
        if let point = record.failoverPoint { wanted.insert(point.instanceID) }
        for association in associations("Msvm_SnapshotOfVirtualSystem", role: "Antecedent", to: vmPath) {
            guard case .reference(let snapshot)? = association["Dependent"],
                let id = snapshot[key: "InstanceID"]?.stringValue, !wanted.contains(id)
            else { continue }
            deleteIfPresent(association.path(keyNames: ["Antecedent", "Dependent"], namespace: Self.namespace))
            deleteIfPresent(Self.instanceIDPath("Msvm_VirtualSystemSettingData", id))
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "M/d/yyyy - h:mm:ss a"
        for point in record.recoveryPoints + (record.failoverPoint.map { [$0] } ?? []) {
            let path = Self.instanceIDPath("Msvm_VirtualSystemSettingData", point.instanceID)
            guard store.instance(at: path, in: Self.namespace) == nil else { continue }
            let label = switch point.kind {
            case .standard: "Standard Replica"
            case .applicationConsistent: "Application-consistent Replica"
            case .plannedFailover: "Planned Failover Replica"
            }
            var snapshot = CIMInstance(className: "Msvm_VirtualSystemSettingData")
            snapshot["InstanceID"] = .string(point.instanceID)
            snapshot["ElementName"] = .string(
                "\(record.elementName) - \(label) - (\(formatter.string(from: point.creationTime)))")
            snapshot["Caption"] = .string("Virtual Machine Settings")
            snapshot["VirtualSystemIdentifier"] = .string(record.vmName)
            snapshot["VirtualSystemType"] = .string(point.kind.virtualSystemType)
            snapshot["CreationTime"] = .datetime(CIMDateTime(date: point.creationTime))
            try store.insert(snapshot, in: Self.namespace, replacing: true)
            try insertAssociation("Msvm_SnapshotOfVirtualSystem", ("Antecedent", vmPath), ("Dependent", path))
        }
    }
}
