import struct Foundation.Date

/// Work the provider and the replication engine perform after a transition. Actions concern the
/// relationship named by ``ReplicationTransition/relationship``.
public enum ReplicationAction: Sendable, Hashable {
    /// Populate the relationship's `Msvm_ReplicationSettingData` and `Msvm_ReplicationRelationship`.
    case createRelationship
    /// Ask the recovery host to create the replica VM (mode 2, or 4 for an extended relationship).
    case createReplicaOnRecoveryHost
    /// Apply the new `Msvm_ReplicationSettingData`.
    case applySettings
    /// Start the initial replication; Export writes to `exportLocation`.
    case startInitialReplication(InitialReplicationType, exportLocation: String?)
    /// Run the pending operation when the lab clock reaches the time.
    case scheduleAt(Date)
    /// Drop a scheduled start that has not run yet.
    case cancelScheduledStart
    /// Import an exported initial replica from the directory.
    case importInitialReplica(location: String)
    /// Stop a running initial replication.
    case cancelInitialReplication
    /// Make this VM wait for an initial replication as a replica (restored from backup).
    case prepareAsReplica
    case suspendReplication
    case resumeReplication
    /// Send every change not yet replicated to the recovery host.
    case shipPendingDeltas
    /// Compare primary and replica disks and send the blocks that differ.
    case startResynchronization
    case cancelResynchronization
    /// Apply the recovery point to a failover disk and register the VM's failover configuration.
    case startFailover(RecoveryPointKind)
    /// Drop the failover disk and return to replicating.
    case discardFailoverDisk
    /// Leave the prepared (planned failover) state on the primary.
    case cancelPreparedFailover
    /// Keep the failed-over point and delete every other recovery point.
    case flattenRecoveryPoints
    /// Make this VM the primary and the peer its replica.
    case reverseReplication
    /// Become the replica of the host that reversed the relationship.
    case becomeReplica
    /// Create the test VM (mode 3, "<name> - Test") from a recovery point.
    case createTestSystem(RecoveryPointKind)
    case destroyTestSystem
    /// Delete the relationship's instances on this host only.
    case removeRelationship
    /// The extended relationship (`\HVR\1`) becomes the primary one (`\HVR\0`).
    case promoteExtendedRelationship
    case startFailback
    /// Record `LastReplicationTime` (now) and `LastReplicationType`.
    case recordLastReplication(LastReplicationType)
    /// Zero the `Msvm_ReplicationStatistics` counters and start a new statistics window.
    case resetStatistics
    /// Tell the peer host.
    case notifyPeer(PeerNotification)
}

/// What a host tells its peer about a relationship; the peer turns it into a ``ReplicationEvent``.
public enum PeerNotification: Sendable, Hashable {
    /// The initial replica was applied: the primary's `.initialReplicationCompleted`.
    case initialReplicationApplied
    /// The primary started a resynchronization: the replica's `.peerResynchronizationStarted`.
    case resynchronizationStarted
    /// The recovery host became the primary: the old primary's `.peerReversed(planned:)`.
    case reversed(planned: Bool)
}
