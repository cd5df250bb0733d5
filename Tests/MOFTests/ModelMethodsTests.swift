import CIM
import Foundation
import MOF
import Testing

// Every method of the replication model (../shared/reference/wmi-replication-model.md, sections A, C
// and D) and of the lab namespace (docs/ARCHITECTURE.md §4) must exist in the compiled mof/wmilab.mof
// on its class in its namespace, with the documented parameter list. The table below is written by
// hand from the document, one row per method; where the document gives both the reference pages and
// the live Windows Server 2019 signature, the row follows the live one, as the MOF does.
//
// A parameter is written `direction type name`, with `[]` after the name for arrays, `REF` after the
// class for references and `<Class>` at the end for EmbeddedInstance("Class"):
//   "in uint16 RequestedState", "out CIM_ConcreteJob REF Job",
//   "out string ReplicationStatistics[] <Msvm_ReplicationStatistics>".

private let v2 = "root/virtualization/v2"
private let storage = "root/Microsoft/Windows/Storage"
private let sm = "root/Microsoft/Windows/Storage/SM"
private let lab = "root/wmilab"

// Parameters shared by many rows.
private let cs = "in CIM_ComputerSystem REF ComputerSystem"
private let job = "out CIM_ConcreteJob REF Job"
private let storageJob = "out MSFT_StorageJob REF CreatedStorageJob"
private let storageStatus = "out string ExtendedStatus <MSFT_StorageExtendedStatus>"
private let runAsJob = "in boolean RunAsJob"
private let smJob = "out MSFT_SMJob REF Job"
private let smStatus = "out string ExtendedStatus <MSFT_SMExtendedStatus>"
private let username = "in string username"
private let password = "in string password"

/// One row of the table: a documented method and its parameters in order.
struct ModelMethod: Sendable, CustomTestStringConvertible {
    let namespace: String
    let className: String
    let methodName: String
    let parameters: [String]

    init(_ namespace: String, _ className: String, _ methodName: String, _ parameters: [String]) {
        self.namespace = namespace
        self.className = className
        self.methodName = methodName
        self.parameters = parameters
    }

    var testDescription: String { "\(className).\(methodName)" }
}

let documentedMethods: [ModelMethod] = hyperVMethods + storageMethods + storageManagementMethods + labMethods

// MARK: - A. root/virtualization/v2

private let hyperVMethods: [ModelMethod] = [
    // A.1 Msvm_ReplicationService
    .init(v2, "Msvm_ReplicationService", "CreateReplicationRelationship", [
        cs, "in string ReplicationSettingData <Msvm_ReplicationSettingData>", job,
    ]),
    .init(v2, "Msvm_ReplicationService", "ModifyReplicationSettings", [
        cs, "in string ReplicationSettingData <Msvm_ReplicationSettingData>", job,
    ]),
    .init(v2, "Msvm_ReplicationService", "RemoveReplicationRelationship", [cs, job]),
    .init(v2, "Msvm_ReplicationService", "RemoveReplicationRelationshipEx", [
        cs, "in string ReplicationRelationship <Msvm_ReplicationRelationship>", job,
    ]),
    .init(v2, "Msvm_ReplicationService", "StartReplication", [
        cs, "in uint16 InitialReplicationType", "in string InitialReplicationExportLocation",
        "in datetime StartTime", job,
    ]),
    .init(v2, "Msvm_ReplicationService", "ImportInitialReplica", [
        cs, "in string InitialReplicationImportLocation", job,
    ]),
    .init(v2, "Msvm_ReplicationService", "InitiateFailover", [
        cs, "in CIM_VirtualSystemSettingData REF SnapshotSettingData", job,
    ]),
    .init(v2, "Msvm_ReplicationService", "RevertFailover", [cs, job]),
    .init(v2, "Msvm_ReplicationService", "CommitFailover", [cs, job]),
    .init(v2, "Msvm_ReplicationService", "ReverseReplicationRelationship", [
        cs, "in string ReplicationSettingData <Msvm_ReplicationSettingData>", job,
    ]),
    .init(v2, "Msvm_ReplicationService", "Resynchronize", [cs, "in datetime StartTime", job]),
    .init(v2, "Msvm_ReplicationService", "TestReplicaSystem", [
        cs, "in CIM_VirtualSystemSettingData REF SnapshotSettingData",
        "out CIM_ComputerSystem REF ResultingSystem", job,
    ]),
    .init(v2, "Msvm_ReplicationService", "TestReplicationConnection", [
        "in string RecoveryConnectionPoint", "in uint16 RecoveryServerPortNumber",
        "in uint16 AuthenticationType", "in string CertificateThumbPrint", "in boolean BypassProxyServer", job,
    ]),
    .init(v2, "Msvm_ReplicationService", "SetFailoverNetworkAdapterSettings", [
        cs, "in string NetworkSettings[] <Msvm_FailoverNetworkAdapterSettingData>", job,
    ]),
    .init(v2, "Msvm_ReplicationService", "GetReplicationStatistics", [
        cs, "out string ReplicationStatistics[] <Msvm_ReplicationStatistics>",
        "out string ReplicationHealthIssues[] <Msvm_Error>", job,
    ]),
    .init(v2, "Msvm_ReplicationService", "GetReplicationStatisticsEx", [
        cs, "in string ReplicationRelationship <Msvm_ReplicationRelationship>",
        "out string ReplicationStatistics[] <Msvm_ReplicationStatistics>",
        "out string ReplicationHealthIssues[] <Msvm_Error>", job,
    ]),
    .init(v2, "Msvm_ReplicationService", "ResetReplicationStatistics", [cs, job]),
    .init(v2, "Msvm_ReplicationService", "ResetReplicationStatisticsEx", [
        cs, "in string ReplicationRelationship <Msvm_ReplicationRelationship>", job,
    ]),
    .init(v2, "Msvm_ReplicationService", "ChangeReplicationModeToPrimary", [
        cs, "in string ReplicationRelationship <Msvm_ReplicationRelationship>", job,
    ]),
    .init(v2, "Msvm_ReplicationService", "InitiateFailback", [
        cs, "in string ReplicationSettingData <Msvm_ReplicationSettingData>", "in string RecoveryPointIdentifier",
        job,
    ]),
    .init(v2, "Msvm_ReplicationService", "ModifyServiceSettings", [
        "in string SettingData <Msvm_ReplicationServiceSettingData>", job,
    ]),
    .init(v2, "Msvm_ReplicationService", "AddAuthorizationEntry", [
        "in string AuthorizationEntry <Msvm_ReplicationAuthorizationSettingData>", job,
    ]),
    .init(v2, "Msvm_ReplicationService", "ModifyAuthorizationEntry", [
        "in string AuthorizationEntry <Msvm_ReplicationAuthorizationSettingData>", job,
    ]),
    .init(v2, "Msvm_ReplicationService", "RemoveAuthorizationEntry", ["in string AllowedPrimaryHostSystem", job]),
    .init(v2, "Msvm_ReplicationService", "SetAuthorizationEntry", [
        cs, "in string AuthorizationEntry <Msvm_ReplicationAuthorizationSettingData>", job,
    ]),
    .init(v2, "Msvm_ReplicationService", "GetSystemCertificates", ["out string EncodedCertificates[]"]),
    .init(v2, "Msvm_ReplicationService", "RequestStateChange", [
        "in uint16 RequestedState", job, "in datetime TimeoutPeriod",
    ]),
    .init(v2, "Msvm_ReplicationService", "StartService", []),
    .init(v2, "Msvm_ReplicationService", "StopService", []),
    // A.9 Msvm_ComputerSystem
    .init(v2, "Msvm_ComputerSystem", "RequestStateChange", [
        "in uint16 RequestedState", job, "in datetime TimeoutPeriod",
    ]),
    .init(v2, "Msvm_ComputerSystem", "RequestReplicationStateChange", [
        "in uint16 RequestedState", job, "in datetime TimeoutPeriod",
    ]),
    .init(v2, "Msvm_ComputerSystem", "RequestReplicationStateChangeEx", [
        "in string ReplicationRelationship <Msvm_ReplicationRelationship>", "in uint16 RequestedState", job,
        "in datetime TimeoutPeriod",
    ]),
    .init(v2, "Msvm_ComputerSystem", "InjectNonMaskableInterrupt", [job]),
    // A.12 Msvm_ConcreteJob
    .init(v2, "Msvm_ConcreteJob", "GetError", ["out string Error <Msvm_Error>"]),
    .init(v2, "Msvm_ConcreteJob", "GetErrorEx", ["out string Errors[] <Msvm_Error>"]),
    .init(v2, "Msvm_ConcreteJob", "RequestStateChange", ["in uint16 RequestedState", "in datetime TimeoutPeriod"]),
]

// MARK: - C. root/Microsoft/Windows/Storage

private let storageMethods: [ModelMethod] = [
    // C.2 MSFT_VirtualDisk (live signatures add RunAsJob)
    .init(storage, "MSFT_VirtualDisk", "CreateReplica", [
        "in string FriendlyName", "in string TargetStorageSubsystem <MSFT_ReplicaPeer>",
        "in string TargetVirtualDiskObjectId", "in string TargetStoragePoolObjectId",
        "in uint16 RecoveryPointObjective", "in string ReplicationSettings <MSFT_ReplicationSettings>",
        "in uint16 SyncType", runAsJob, "out string CreatedReplicaPeer <MSFT_ReplicaPeer>", storageJob,
        storageStatus,
    ]),
    .init(storage, "MSFT_VirtualDisk", "SetReplicationRelationship", [
        "in uint16 Operation", "in string VirtualDiskReplicaPeer <MSFT_ReplicaPeer>", runAsJob, storageJob,
        storageStatus,
    ]),
    // C.4 MSFT_ReplicationGroup
    .init(storage, "MSFT_ReplicationGroup", "CreateReplica", [
        "in string FriendlyName", "in string TargetStorageSubsystem <MSFT_ReplicaPeer>",
        "in string TargetGroupObjectId", "in string TargetStoragePoolObjectId",
        "in uint32 RecoveryPointObjective", "in string ReplicationSettings <MSFT_ReplicationSettings>",
        "in uint16 SyncType", runAsJob, "out string CreatedReplicaPeer <MSFT_ReplicaPeer>", storageJob,
        storageStatus,
    ]),
    .init(storage, "MSFT_ReplicationGroup", "SetReplicationRelationship", [
        "in uint16 Operation", "in string TargetGroup <MSFT_ReplicaPeer>",
        "in string SourceStorageObjects[] <MSFT_StorageObject>",
        "in string TargetStorageObjects[] <MSFT_StorageObject>",
        "in string SyncPairs[] <MSFT_Synchronized>", runAsJob, storageJob, storageStatus,
    ]),
    .init(storage, "MSFT_ReplicationGroup", "AddMember", [
        "in string StorageObjects[] <MSFT_StorageObject>", storageStatus,
    ]),
    .init(storage, "MSFT_ReplicationGroup", "RemoveMember", [
        "in string StorageObjects[] <MSFT_StorageObject>", storageStatus,
    ]),
    .init(storage, "MSFT_ReplicationGroup", "DeleteObject", [storageStatus]),
    .init(storage, "MSFT_ReplicationGroup", "SetFriendlyName", ["in string FriendlyName", storageStatus]),
    .init(storage, "MSFT_ReplicationGroup", "GetReplicationSettings", [
        "out string ReplicationSettings <MSFT_ReplicationSettings>", storageStatus,
    ]),
    .init(storage, "MSFT_ReplicationGroup", "SetReplicationSettings", [
        "in string ReplicationSettings <MSFT_ReplicationSettings>", storageStatus,
    ]),
    // C.6 MSFT_ReplicationCapabilities
    .init(storage, "MSFT_ReplicationCapabilities", "GetSupportedOperations", [
        "in uint16 ReplicationType", "out uint16 SupportedOperations[]", storageStatus,
    ]),
    .init(storage, "MSFT_ReplicationCapabilities", "GetSupportedGroupOperations", [
        "in uint16 ReplicationType", "out uint16 SupportedGroupOperations[]", storageStatus,
    ]),
    .init(storage, "MSFT_ReplicationCapabilities", "GetSupportedFeatures", [
        "in uint16 ReplicationType", "out uint16 Features[]", storageStatus,
    ]),
    .init(storage, "MSFT_ReplicationCapabilities", "GetSupportedGroupFeatures", [
        "in uint16 ReplicationType", "out uint16 Features[]", storageStatus,
    ]),
    .init(storage, "MSFT_ReplicationCapabilities", "GetSupportedCopyStates", [
        "in uint16 ReplicationType", "out uint16 SupportedCopyStates[]", storageStatus,
    ]),
    .init(storage, "MSFT_ReplicationCapabilities", "GetSupportedGroupCopyStates", [
        "in uint16 ReplicationType", "out uint16 SupportedCopyStates[]", storageStatus,
    ]),
    .init(storage, "MSFT_ReplicationCapabilities", "GetRecoveryPointData", [
        "in uint16 ReplicationType", "out uint32 DefaultRecoveryPoint", "out uint32 RecoveryPointValues[]",
        "out uint16 RecoveryPointIndicator", storageStatus,
    ]),
    // C.8 MSFT_StorageJob
    .init(storage, "MSFT_StorageJob", "RequestStateChange", ["in uint16 RequestedState", storageStatus]),
    .init(storage, "MSFT_StorageJob", "GetExtendedStatus", [storageStatus]),
    .init(storage, "MSFT_StorageJob", "GetMessages", ["out uint16 Channels[]", "out string Messages[]"]),
    .init(storage, "MSFT_StorageJob", "GetOutParameters", ["out string OutParameters <MSFT_StorageJobOutParams>"]),
    // C.10 MSFT_StorageSubSystem (live signatures)
    .init(storage, "MSFT_StorageSubSystem", "CreateReplicationRelationship", [
        "in string FriendlyName", "in uint16 SyncType", "in string TargetStorageSubsystem <MSFT_ReplicaPeer>",
        "in string SourceReplicationGroupFriendlyName", "in string SourceReplicationGroupDescription",
        "in string SourceStorageElements[] <MSFT_StorageObject>",
        "in string SourceGroupSettings <MSFT_ReplicationSettings>", "in string TargetReplicationGroupFriendlyName",
        "in string TargetReplicationGroupDescription", "in string TargetStorageElements[] <MSFT_StorageObject>",
        "in string TargetStoragePool <MSFT_StoragePool>", "in string TargetStoragePools[] <MSFT_StoragePool>",
        "in string TargetGroupSettings <MSFT_ReplicationSettings>", "in uint32 RecoveryPointObjective", runAsJob,
        "inout string SourceGroup <MSFT_ReplicationGroup>", "in string TargetGroup <MSFT_ReplicationGroup>",
        "out string CreatedReplicaPeer <MSFT_ReplicaPeer>", storageJob, storageStatus,
    ]),
    .init(storage, "MSFT_StorageSubSystem", "DeleteReplicationRelationship", [
        "in string SourceReplicationGroup <MSFT_ReplicationGroup>",
        "in string TargetGroupReplicaPeer <MSFT_ReplicaPeer>", runAsJob, storageJob, storageStatus,
    ]),
    .init(storage, "MSFT_StorageSubSystem", "CreateReplicationGroup", [
        "in string FriendlyName", "in string Description", "in string StorageElements[] <MSFT_StorageObject>",
        "in string ReplicationSettings <MSFT_ReplicationSettings>", runAsJob, storageJob,
        "out string CreatedReplicationGroup <MSFT_ReplicationGroup>", storageStatus,
    ]),
]

// MARK: - D. root/Microsoft/Windows/Storage/SM

private let storageManagementMethods: [ModelMethod] = [
    // D.2 MSFT_SMReplicationGroup
    .init(sm, "MSFT_SMReplicationGroup", "CreateReplica", [
        "in string RelationshipName", "in uint16 SyncType", "in uint16 Mode",
        "in MSFT_SMReplicaPeer REF TargetStorageSystem", "in MSFT_SMReplicationGroup REF TargetGroupObject",
        "in MSFT_SMPool REF TargetStoragePool", "in string ReplicationSettings <MSFT_SMReplicationSettings>",
        "in uint32 RecoveryPointObjective", "out MSFT_SMReplicaPeer REF TargetReplicaPeer", username, password,
        smJob, smStatus,
    ]),
    .init(sm, "MSFT_SMReplicationGroup", "SetReplicationRelationship", [
        "in uint16 Operation", "in MSFT_SMReplicaPeer REF TargetGroup",
        "in MSFT_SMStorageObject REF SourceStorageObjects[]", "in MSFT_SMStorageObject REF TargetStorageObjects[]",
        "in MSFT_SMStorageVolumeToReplicaPeer REF SyncPairs[]", username, password, smJob, smStatus,
    ]),
    .init(sm, "MSFT_SMReplicationGroup", "AddMembers", [
        "in MSFT_SMStorageObject REF StorageObjects[]", username, password, smJob, smStatus,
    ]),
    .init(sm, "MSFT_SMReplicationGroup", "RemoveMembers", [
        "in MSFT_SMStorageObject REF STorageObjects[]", username, password, smJob, smStatus,
    ]),
    .init(sm, "MSFT_SMReplicationGroup", "Delete", [username, password, smStatus]),
    .init(sm, "MSFT_SMReplicationGroup", "SetFriendlyName", [
        "in string FriendlyName", username, password, smJob, smStatus,
    ]),
    .init(sm, "MSFT_SMReplicationGroup", "GetReplicationSettings", [
        "out MSFT_SMReplicationSettings REF ReplicationSettings", username, password, smJob, smStatus,
    ]),
    .init(sm, "MSFT_SMReplicationGroup", "SetReplicationSettings", [
        "in string ReplicationSettings <MSFT_SMReplicationSettings>", username, password, smJob, smStatus,
    ]),
    // D.5 MSFT_SMReplicationCapabilities
    .init(sm, "MSFT_SMReplicationCapabilities", "GetSupportedOperations", [
        "in uint16 ReplicationType", "out uint16 SupportedOperations[]", username, password, smStatus,
    ]),
    .init(sm, "MSFT_SMReplicationCapabilities", "GetSupportedGroupOperations", [
        "in uint16 ReplicationType", "out uint16 SupportedGroupOperations[]", username, password, smStatus,
    ]),
    .init(sm, "MSFT_SMReplicationCapabilities", "GetSupportedFeatures", [
        "in uint16 ReplicationType", "out uint16 Features[]", username, password, smStatus,
    ]),
    .init(sm, "MSFT_SMReplicationCapabilities", "GetSupportedGroupFeatures", [
        "in uint16 ReplicationType", "out uint16 Features[]", username, password, smStatus,
    ]),
    .init(sm, "MSFT_SMReplicationCapabilities", "GetSupportedCopyStates", [
        "in uint16 ReplicationType", "out uint16 SupportedCopyStates[]", username, password, smStatus,
    ]),
    .init(sm, "MSFT_SMReplicationCapabilities", "GetSupportedGroupCopyStates", [
        "in uint16 ReplicationType", "out uint16 SupportedCopyStates[]", username, password, smStatus,
    ]),
    .init(sm, "MSFT_SMReplicationCapabilities", "GetRecoveryPointData", [
        "in uint16 ReplicationType", "out uint32 DefaultRecoveryPoint", "out uint32 RecoveryPointValues[]",
        "out uint16 RecoveryPointIndicator", username, password, smStatus,
    ]),
    // D.8 MSFT_SMSystem
    .init(sm, "MSFT_SMSystem", "CreateReplicationGroup", [
        "in string FriendlyName", "in MSFT_SMStorageObject REF StorageElements[]",
        "in string ReplicationSettings <MSFT_SMReplicationSettings>",
        "out string CreatedReplicationGroup <MSFT_SMReplicationGroup>", smJob, smStatus, username, password,
    ]),
    .init(sm, "MSFT_SMSystem", "CreateReplicationRelationship", [
        "in string RelationshipName", "in uint16 SyncType", "in uint16 Mode",
        "in MSFT_SMReplicaPeer REF TargetStorageSystem", "in string SourceReplicationGroupFriendlyName",
        "in MSFT_SMStorageObject REF SourceStorageElements[]",
        "in string SourceReplicationGroupSettings <MSFT_SMReplicationSettings>",
        "in string TargetReplicationGroupFriendlyName", "in MSFT_SMStorageObject REF TargetStorageElements[]",
        "in MSFT_SMPool REF TargetStoragePool", "in MSFT_SMPool REF TargetStoragePools[]",
        "in string TargetReplicationGroupSettings <MSFT_SMReplicationSettings>", "in uint32 RecoveryPointObjective",
        "inout MSFT_SMReplicationGroup REF SourceGroup", "in MSFT_SMReplicationGroup REF TargetGroup",
        "out MSFT_SMReplicaPeer REF TargetReplicaPeer", smJob, smStatus, username, password,
    ]),
    .init(sm, "MSFT_SMSystem", "DeleteReplicationRelationship", [
        "in MSFT_SMReplicationGroup REF SourceReplicationGroup", "in MSFT_SMReplicaPeer REF TargetGroupReplicaPeer",
        smJob, smStatus, username, password,
    ]),
    .init(sm, "MSFT_SMSystem", "CreatePool", [
        "in string ElementName", "in string DiskDriveObjectIds[]", "in string PoolSettingObjectId",
        "in boolean ThinlyProvisioned", "in uint16 Usage", "in string OtherUsageDescription", smJob,
        "out MSFT_SMPool REF Pool", smStatus, username, password,
    ]),
    .init(sm, "MSFT_SMSystem", "CreateStorageVolume", [
        "in string ElementName", "inout uint64 Size", "in boolean NoSinglePointOfFailure",
        "in uint16 PackageRedundancyGoal", "in uint16 DataRedundancyGoal", "in uint16 ParityLayout",
        "in boolean ThinlyProvisioned", username, password, "out MSFT_SMStorageVolume REF CreatedStorageVolume",
        smJob, smStatus,
    ]),
    .init(sm, "MSFT_SMSystem", "GetPoolObjectIdFromJob", [
        "in MSFT_SMJob REF Job", "out string PoolObjectId", username, password, smStatus,
    ]),
    .init(sm, "MSFT_SMSystem", "GetStorageGroupObjectIdFromJob", [
        "in MSFT_SMJob REF Job", "out string StorageGroupObjectId", username, password, smStatus,
    ]),
    .init(sm, "MSFT_SMSystem", "GetStorageVolumeObjectIdFromJob", [
        "in MSFT_SMJob REF Job", "out string StorageVolumeObjectId", username, password, smStatus,
    ]),
    // D.9 MSFT_SMPool
    .init(sm, "MSFT_SMPool", "AddDiskDrives", [
        "in string DiskDriveObjectIds[]", username, password, "out MSFT_SMPool REF Pool", smJob, smStatus,
    ]),
    .init(sm, "MSFT_SMPool", "CreateStorageVolume", [
        "in string ElementName", "inout uint64 Size", "in boolean UseMaximumSize", "in string PoolSettingObjectId",
        "in boolean NoSinglePointOfFailure", "in uint16 PackageRedundancyGoal", "in uint16 DataRedundancyGoal",
        "in uint16 ParityLayout", "in boolean ThinlyProvisioned", username, password,
        "out MSFT_SMStorageVolume REF CreatedStorageVolume", smJob, smStatus,
    ]),
    .init(sm, "MSFT_SMPool", "Delete", [username, password, smJob, smStatus]),
    .init(sm, "MSFT_SMPool", "GetSizesInfo", [
        username, password, "in string PoolSettingObjectId", "out uint64 SupportedSizes[]",
        "out uint64 MinimumVolumeSize", "out uint64 MaximumVolumeSize", "out uint64 VolumeSizeDivisor", smStatus,
    ]),
    // D.10 MSFT_SMStorageVolume
    .init(sm, "MSFT_SMStorageVolume", "CreateReplica", [
        "in string ElementName", "in uint16 SyncType", "in uint16 Mode",
        "in MSFT_SMReplicaPeer REF TargetStorageSystem", "inout MSFT_SMStorageVolume REF TargetStorageVolume",
        "in MSFT_SMPool REF TargetStoragePool", "in uint32 RecoveryPointObjective",
        "in string ReplicationSettings <MSFT_SMReplicationSettings>", "out MSFT_SMReplicaPeer REF TargetReplicaPeer",
        username, password, smJob, smStatus,
    ]),
    .init(sm, "MSFT_SMStorageVolume", "SetReplicationRelationship", [
        "in uint16 Operation", "in MSFT_SMReplicaPeer REF TargetStorageVolume", username, password, smJob, smStatus,
    ]),
]

// MARK: - root/wmilab (docs/ARCHITECTURE.md §4)

private let labMethods: [ModelMethod] = [
    .init(lab, "WMILab_VirtualDisk", "WriteData", ["in uint64 Offset", "in string Base64Data"]),
    .init(lab, "WMILab_VirtualDisk", "ReadData", ["in uint64 Offset", "in uint32 Length", "out string Base64Data"]),
    .init(lab, "WMILab_VirtualDisk", "GetDigest", ["out string Sha256"]),
    .init(lab, "WMILab_Clock", "Advance", ["in uint32 Seconds"]),
]

// MARK: - Checks that need no compiler
//
// Until the MOF compiler lands, the table is checked for well-formedness and against the MOF source
// text: each row's class file under mof/ declares the method and every documented parameter name.
// The checks against the compiled repository (directions, types, REF/EmbeddedInstance) are added
// with the compiler.

/// The package root, found from this file's path.
private let packageRoot: URL = {
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while url.path != "/",
        !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path)
    {
        url.deleteLastPathComponent()
    }
    return url
}()

/// A documented parameter, parsed from the table's text form.
struct ExpectedParameter: Equatable {
    enum Direction: String { case `in`, out, `inout` }
    var direction: Direction
    var typeName: String
    var isReference: Bool
    var name: String
    var isArray: Bool
    var embeddedInstanceClass: String?

    /// Parses `"in uint16 Name"`, `"out CIM_X REF Name"`, `"inout string Name[] <Class>"`.
    init?(_ text: String) {
        var words = text.split(separator: " ").map(String.init)
        guard words.count >= 3, let direction = Direction(rawValue: words.removeFirst()) else { return nil }
        self.direction = direction
        if let last = words.last, last.hasPrefix("<"), last.hasSuffix(">") {
            embeddedInstanceClass = String(last.dropFirst().dropLast())
            words.removeLast()
        }
        switch words.count {
        case 3 where words[1] == "REF": isReference = true
        case 2: isReference = false
        default: return nil
        }
        typeName = words[0]
        name = words[words.count - 1]
        isArray = name.hasSuffix("[]")
        if isArray { name.removeLast(2) }
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
    }
}

private let namespaceFolders = [
    v2: "mof/root/virtualization/v2",
    storage: "mof/root/Microsoft/Windows/Storage",
    sm: "mof/root/Microsoft/Windows/Storage/SM",
    lab: "mof/root/wmilab",
]

@Suite("Documented replication methods")
struct ModelMethodsTests {
    @Test("every parameter of the table is well formed", arguments: documentedMethods)
    func parametersParse(_ method: ModelMethod) throws {
        var names = Set<String>()
        for text in method.parameters {
            let parameter = try #require(ExpectedParameter(text), "cannot read \"\(text)\"")
            #expect(names.insert(parameter.name.lowercased()).inserted, "\(parameter.name) listed twice")
            if parameter.embeddedInstanceClass != nil {
                #expect(
                    parameter.typeName.lowercased() == "string", "\(parameter.name): embedded instances are strings")
            }
        }
    }

    @Test("each method appears once in the table")
    func rowsAreUnique() {
        let keys = documentedMethods.map { "\($0.namespace):\($0.className).\($0.methodName)".lowercased() }
        #expect(Set(keys).count == keys.count)
        #expect(documentedMethods.count == 93)
    }

    @Test("the class's MOF file declares the method and its parameters", arguments: documentedMethods)
    func mofSourceDeclaresMethod(_ method: ModelMethod) throws {
        let folder = try #require(namespaceFolders[method.namespace])
        let file = packageRoot.appendingPathComponent("\(folder)/\(method.className).mof")
        let text = try String(contentsOf: file, encoding: .utf8)
        let signature = try #require(
            methodDeclaration(named: method.methodName, in: text),
            "\(method.className).mof declares no method \(method.methodName)"
        )
        let declared = signature.split(separator: ",").compactMap { declaration in
            declaration.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).last
                .map { String($0).lowercased() }
        }
        let expected = try method.parameters.map { try #require(ExpectedParameter($0)).name.lowercased() }
        #expect(declared == expected)
    }

    @Test("the compiled schema has the method with the documented signature", arguments: documentedMethods)
    func compiledSchemaHasMethod(_ method: ModelMethod) throws {
        let schema = try #require(Self.compiledSchema)
        let namespace = try CIMNamespace(parsing: method.namespace)
        let cls = try #require(schema.class(named: method.className, in: namespace), "no class \(method.className)")
        let declared = try #require(cls.method(named: method.methodName), "no method \(method.methodName)")
        let expected = try method.parameters.map { try #require(ExpectedParameter($0)) }
        #expect(declared.parameters.map(\.name.localizedLowercase) == expected.map(\.name.localizedLowercase))
        for (parameter, wanted) in zip(declared.parameters, expected) {
            let direction: ExpectedParameter.Direction =
                switch parameter.direction {
                case .in: .in
                case .out: .out
                default: .inout
                }
            #expect(direction == wanted.direction, "\(parameter.name) direction")
            #expect(parameter.dataType.isArray == wanted.isArray, "\(parameter.name) array")
            if wanted.isReference {
                #expect(parameter.referenceClass?.lowercased() == wanted.typeName.lowercased(), "\(parameter.name)")
            } else {
                #expect(parameter.dataType.scalar.name.lowercased() == wanted.typeName.lowercased(), "\(parameter.name)")
            }
            #expect(parameter.embeddedInstanceClass?.lowercased() == wanted.embeddedInstanceClass?.lowercased(),
                    "\(parameter.name) EmbeddedInstance")
        }
    }

    @Test("mof/wmilab.mof and the default lab compile with zero errors")
    func schemaAndLabCompile() throws {
        let compilation = MOFCompiler().compile(files: [
            packageRoot.appendingPathComponent("mof/wmilab.mof"),
            packageRoot.appendingPathComponent("mof/lab/default.mof"),
        ])
        #expect(compilation.errors.isEmpty, "\(compilation.errors)")
        let served = Set(compilation.repository.namespaces.map(\.name))
        #expect(Set([v2, storage, sm, lab]).isSubset(of: served))
        #expect(compilation.repository.instanceCount > 0)
    }

    private static let compiledSchema: SchemaRepository? = {
        let compilation = MOFCompiler().compile(files: [packageRoot.appendingPathComponent("mof/wmilab.mof")])
        return compilation.succeeded ? compilation.repository : nil
    }()

    /// The parameter list of a method declaration `    uint32 Name(...)` in MOF text, with qualifier
    /// blocks removed.
    private func methodDeclaration(named name: String, in text: String) -> String? {
        guard let start = text.range(of: "\n    uint32 \(name)(", options: .caseInsensitive) else { return nil }
        var depth = 0
        var body = ""
        for character in text[start.upperBound...] {
            switch character {
            case "[": depth += 1
            case "]": depth -= 1
            case ")" where depth == 0: return body
            default: if depth == 0 { body.append(character) }
            }
        }
        return nil
    }
}

// MARK: - The default lab's identity conventions (mof/lab/README.md)

@Suite("Default lab tokens and disk identities")
struct DefaultLabSourceTests {
    private func labText() throws -> String {
        try String(contentsOf: packageRoot.appendingPathComponent("mof/lab/default.mof"), encoding: .utf8)
    }

    /// The string values assigned to `property` (one per line `Property = "…";` or `= {"…"};`).
    private func values(of property: String, in text: String) -> [String] {
        text.split(separator: "\n").compactMap { line -> String? in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("\(property) = "), let open = trimmed.firstIndex(of: "\""),
                let close = trimmed.lastIndex(of: "\""), open < close
            else { return nil }
            return String(trimmed[trimmed.index(after: open)..<close])
        }
    }

    @Test("every {{ starts a well-formed {{host}} or {{uuid:NAME}} token")
    func tokensAreWellFormed() throws {
        let text = try labText()
        var rest = Substring(text)
        var tokens = 0
        while let start = rest.range(of: "{{") {
            let after = rest[start.upperBound...]
            let end = try #require(after.range(of: "}}"), "unterminated token")
            let body = after[..<end.lowerBound]
            let isHost = body == "host"
            let isUUID = body.hasPrefix("uuid:") && body.count > 5
                && body.dropFirst(5).allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
            #expect(isHost || isUUID, "bad token {{\(body)}}")
            tokens += 1
            rest = after[end.upperBound...]
        }
        #expect(tokens > 50)
    }

    @Test("each virtual machine's GUID token names it everywhere")
    func virtualMachinesUseTheirOwnTokens() throws {
        let text = try labText()
        for vm in ["app01", "db01", "web01"] {
            #expect(values(of: "Name", in: text).contains("{{uuid:\(vm)}}"))
            #expect(values(of: "VirtualSystemIdentifier", in: text).filter { $0 == "{{uuid:\(vm)}}" }.count == 2)
            #expect(values(of: "InstanceID", in: text).contains("Microsoft:{{uuid:\(vm)}}\\\\HVR\\\\0"))
        }
    }

    @Test("every disk named by HostResource or ObjectId is a WMILab_VirtualDisk")
    func disksHaveLabDisks() throws {
        let text = try labText()
        let deviceIDs = Set(values(of: "DeviceID", in: text))
        #expect(deviceIDs.count == 5)
        let hostResources = values(of: "HostResource", in: text)
        #expect(hostResources.count == 3)
        let diskObjectIds = values(of: "ObjectId", in: text).filter { $0.hasSuffix(".vhdx") }
        #expect(diskObjectIds.count == 4)  // two MSFT_VirtualDisk, two MSFT_SMStorageVolume
        for path in hostResources + diskObjectIds {
            #expect(deviceIDs.contains(path), "\(path) has no WMILab_VirtualDisk")
        }
    }
}
