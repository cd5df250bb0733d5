/// The kind of recovery point (`Msvm_VirtualSystemSettingData.VirtualSystemType` of a replica snapshot) that
/// `InitiateFailover` or `TestReplicaSystem` uses. The provider resolves a Null `SnapshotSettingData` to the
/// latest point before asking the state machine.
public enum RecoveryPointKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// `Microsoft:Hyper-V:Snapshot:Replica:Standard`
    case standard
    /// `Microsoft:Hyper-V:Snapshot:Replica:ApplicationConsistent`
    case applicationConsistent
    /// `Microsoft:Hyper-V:Snapshot:Replica:PlannedFailover`: the point the last delta of a prepared primary makes.
    case plannedFailover

    /// The `FailedOverReplicationType` a failover to this point records.
    public var failedOverReplicationType: FailedOverReplicationType {
        switch self {
        case .standard: .regular
        case .applicationConsistent: .applicationConsistent
        case .plannedFailover: .planned
        }
    }

    /// The `VirtualSystemType` of such a recovery point.
    public var virtualSystemType: String {
        switch self {
        case .standard: "Microsoft:Hyper-V:Snapshot:Replica:Standard"
        case .applicationConsistent: "Microsoft:Hyper-V:Snapshot:Replica:ApplicationConsistent"
        case .plannedFailover: "Microsoft:Hyper-V:Snapshot:Replica:PlannedFailover"
        }
    }
}
