/// `InitialReplicationType` of `Msvm_ReplicationService.StartReplication`.
public enum InitialReplicationType: UInt16, CaseIterable, Sendable, Hashable, Codable {
    case networkTransfer = 1
    /// Written to a directory and imported on the recovery host with `ImportInitialReplica`.
    case export = 2
    /// The recovery host already holds a copy (restored from backup); blocks are compared and the differences sent.
    case seededNetworkTransfer = 3

    /// The JobType of the job `StartReplication` returns for this type.
    public var jobType: JobType {
        switch self {
        case .networkTransfer: .startInbandInitialReplication
        case .export: .startExportInitialReplication
        case .seededNetworkTransfer: .startResyncInitialReplication
        }
    }
}
