import struct Foundation.Date

/// Something that happens to one virtual machine's replication: a WMI method call on it, or a completion
/// reported by the replication engine or the peer host.
///
/// Method calls carry their parameters as the client sent them where the state machine must validate them
/// (for example the raw `InitialReplicationType`), so that bad values are refused with the WMI return code.
public enum ReplicationEvent: Sendable, Hashable {
    // MARK: Msvm_ReplicationService / Msvm_ComputerSystem methods

    /// `CreateReplicationRelationship`: enable replication (on a replica VM: the extended relationship).
    case createReplicationRelationship
    /// `ModifyReplicationSettings` (on a replica VM: the extended relationship).
    case modifyReplicationSettings
    /// `StartReplication`. `startTime` Null means now; it is ignored for Export.
    case startReplication(initialReplicationType: UInt16, exportLocation: String? = nil, startTime: Date? = nil)
    /// `ImportInitialReplica` on the recovery host.
    case importInitialReplica(location: String)
    /// `RequestReplicationStateChange(Ex)` with the raw `RequestedState`.
    case requestReplicationStateChange(UInt16, relationship: ReplicationRelationshipSide = .primary)
    /// `Resynchronize`. `startTime` Null means now.
    case resynchronize(startTime: Date? = nil)
    /// `InitiateFailover` to a recovery point of the given kind.
    case initiateFailover(RecoveryPointKind)
    /// `RevertFailover` (on a prepared primary: cancels the planned failover).
    case revertFailover
    /// `CommitFailover`.
    case commitFailover
    /// `ReverseReplicationRelationship`.
    case reverseReplicationRelationship
    /// `TestReplicaSystem` from a recovery point of the given kind.
    case testReplicaSystem(RecoveryPointKind)
    /// `Msvm_VirtualSystemManagementService.DestroySystem` on a test replica VM.
    case destroyTestReplicaSystem
    /// `RemoveReplicationRelationship(Ex)`.
    case removeReplicationRelationship(ReplicationRelationshipSide = .primary)
    /// `ResetReplicationStatistics(Ex)`.
    case resetReplicationStatistics(ReplicationRelationshipSide = .primary)
    /// `ChangeReplicationModeToPrimary`.
    case changeReplicationModeToPrimary
    /// `InitiateFailback`; a Null `RecoveryPointIdentifier` is `nil`.
    case initiateFailback(RecoveryPointKind? = nil)

    // MARK: Engine and peer completions

    /// The primary host created this VM as its replica (`.recovery`) or extended replica (`.extendedReplica`).
    case peerCreatedReplica(mode: ReplicationMode)
    /// The start time of a scheduled initial replication or resynchronization has come.
    case scheduledStartReached(ReplicationRelationshipSide = .primary)
    /// The initial replica was applied on the recovery host (on the primary: the recovery host said so).
    case initialReplicationCompleted(ReplicationRelationshipSide = .primary)
    /// One replication cycle shipped (sending side) or applied (receiving side) a delta of the given kind.
    case deltaCompleted(LastReplicationType, ReplicationRelationshipSide = .primary)
    /// A replication cycle was missed (its interval passed without a delta being replicated).
    case cycleMissed(ReplicationRelationshipSide = .primary)
    /// Replication failed and will not retry by itself (link lost beyond retries, apply error).
    case replicationFailed(ReplicationRelationshipSide = .primary)
    /// The link to the peer works again after a failure.
    case linkRestored(ReplicationRelationshipSide = .primary)
    /// The primary started resynchronizing this replica.
    case peerResynchronizationStarted
    /// A resynchronization finished.
    case resynchronizationCompleted(ReplicationRelationshipSide = .primary)
    /// The failover disk is ready.
    case failoverCompleted
    /// A provider failback finished.
    case failbackCompleted
    /// A disk update finished, or failed.
    case diskUpdateCompleted(succeeded: Bool, ReplicationRelationshipSide = .primary)
    /// A client cancelled (`Msvm_ConcreteJob.RequestStateChange(4)`) a running job of the given type.
    case jobCancelled(JobType, ReplicationRelationshipSide = .primary)
    /// The recovery host reversed the relationship: this primary becomes its replica.
    case peerReversed(planned: Bool)
}
