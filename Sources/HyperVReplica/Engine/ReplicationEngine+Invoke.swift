import CIM
import Foundation
import Providers

/// Routes the VM-level methods of `Msvm_ReplicationService` and `Msvm_ComputerSystem` by name.
extension ReplicationEngine {
    /// Runs an `Msvm_ReplicationService` method that acts on a VM's replication.
    public func invoke(_ method: String, _ parameters: [String: CIMValue?]) async throws -> MethodResult {
        func ref(_ name: String) -> CIMObjectPath? {
            if case .reference(let path)? = parameters[name] ?? nil { return path }
            return nil
        }
        func instance(_ name: String) -> CIMInstance? {
            if case .instance(let value)? = parameters[name] ?? nil { return value }
            return nil
        }
        func text(_ name: String) -> String? { (parameters[name] ?? nil)?.stringValue }
        func date(_ name: String) -> Date? {
            if case .datetime(let value)? = parameters[name] ?? nil { return value.date }
            return nil
        }
        func number(_ name: String) -> UInt16? {
            (parameters[name] ?? nil)?.int64Value.map { UInt16(clamping: $0) }
        }
        let vm = ref("ComputerSystem")
        switch method.lowercased() {
        case "createreplicationrelationship":
            return try createReplicationRelationship(vm, settings: instance("ReplicationSettingData"))
        case "modifyreplicationsettings":
            return try modifyReplicationSettings(vm, settings: instance("ReplicationSettingData"))
        case "startreplication":
            return try startReplication(vm, type: number("InitialReplicationType"),
                                        exportLocation: text("InitialReplicationExportLocation"),
                                        startTime: date("StartTime"))
        case "importinitialreplica":
            return try importInitialReplica(vm, location: text("InitialReplicationImportLocation"))
        case "initiatefailover": return try initiateFailover(vm, snapshot: ref("SnapshotSettingData"))
        case "revertfailover": return try revertFailover(vm)
        case "commitfailover": return try commitFailover(vm)
        case "reversereplicationrelationship":
            return try reverseReplicationRelationship(vm, settings: instance("ReplicationSettingData"))
        case "resynchronize": return try resynchronize(vm, startTime: date("StartTime"))
        case "testreplicasystem": return try testReplicaSystem(vm, snapshot: ref("SnapshotSettingData"))
        case "testreplicationconnection":
            return try testReplicationConnection(
                point: text("RecoveryConnectionPoint"), authenticationType: number("AuthenticationType"),
                thumbprint: text("CertificateThumbPrint"))
        case "getreplicationstatistics", "getreplicationstatisticsex":
            return replicationStatistics(vm, relationship: instance("ReplicationRelationship"))
        case "resetreplicationstatistics", "resetreplicationstatisticsex":
            return try resetReplicationStatistics(vm, relationship: instance("ReplicationRelationship"))
        case "removereplicationrelationship", "removereplicationrelationshipex":
            return try removeReplicationRelationship(vm, relationship: instance("ReplicationRelationship"))
        case "changereplicationmodetoprimary": return try changeReplicationModeToPrimary(vm)
        case "initiatefailback": return try initiateFailback(vm)
        default:
            throw CIMStatus.notSupported("Msvm_ReplicationService.\(method) is not supported")
        }
    }
}
