/// `Msvm_ConcreteJob.JobType`: Destroy Virtual Machine (3) and the replication subset (90–125), with the
/// documented names.
public enum JobType: UInt16, CaseIterable, Sendable, Hashable {
    case destroyVirtualMachine = 3
    case modifyReplicationServerSettings = 90
    case createReplicationRelationship = 91
    case modifyReplicationRelationshipSettings = 92
    case removeReplicationRelationship = 93
    case startInbandInitialReplication = 94
    case importReplication = 95
    case replicateStateChange = 96
    case initiateFailover = 97
    case revertFailover = 98
    case commitFailover = 99
    case initiateSyncedReplication = 100
    case cancelSyncedReplication = 101
    case initiateTestReplica = 102
    case removeTestReplica = 103
    case reverseReplication = 104
    case replicationSendingDelta = 105
    case replicationReceivingDelta = 106
    case resynchronizing = 107
    case applyChangeLog = 108
    case stopInitialReplication = 109
    case stopResynchronizing = 110
    case getReplicaStatistics = 111
    case prepareForConsistencyChecker = 112
    case consistencyChecker = 113
    case stopConsistencyChecker = 114
    case testReplicationConnection = 115
    case sendingInitialReplica = 116
    case startResyncInitialReplication = 117
    case startExportInitialReplication = 118
    case resetReplicaStatistics = 119
    case applyRegisteredDeltas = 120
    case resynchronizingExtendedReplication = 121
    case readingTestReplicaConfiguration = 122
    case changeReplicationModeToPrimary = 123
    case initiateFailback = 124
    case updateDiskSet = 125

    /// The name the WMI documentation gives the value.
    public var name: String {
        switch self {
        case .destroyVirtualMachine: "Destroy Virtual Machine"
        case .modifyReplicationServerSettings: "Modify Replication Server Settings"
        case .createReplicationRelationship: "Create Replication Relationship"
        case .modifyReplicationRelationshipSettings: "Modify Replication Relationship Settings"
        case .removeReplicationRelationship: "Remove Replication Relationship"
        case .startInbandInitialReplication: "Start Inband Initial Replication"
        case .importReplication: "Import Replication"
        case .replicateStateChange: "Replicate State Change"
        case .initiateFailover: "Initiate Failover"
        case .revertFailover: "Revert Failover"
        case .commitFailover: "Commit Failover"
        case .initiateSyncedReplication: "Initiate Synced Replication"
        case .cancelSyncedReplication: "Cancel Synced Replication"
        case .initiateTestReplica: "Initiate Test Replica"
        case .removeTestReplica: "Remove Test Replica"
        case .reverseReplication: "Reverse Replication"
        case .replicationSendingDelta: "Replication Sending Delta"
        case .replicationReceivingDelta: "Replication Receiving Delta"
        case .resynchronizing: "Resynchronizing"
        case .applyChangeLog: "Apply change log"
        case .stopInitialReplication: "Stop Initial Replication"
        case .stopResynchronizing: "Stop Resynchronizing"
        case .getReplicaStatistics: "Get Replica statistics"
        case .prepareForConsistencyChecker: "Prepare for Consistency Checker"
        case .consistencyChecker: "Consistency Checker"
        case .stopConsistencyChecker: "Stop Consistency Checker"
        case .testReplicationConnection: "Test Replication Connection"
        case .sendingInitialReplica: "Sending Initial Replica"
        case .startResyncInitialReplication: "Start Resync Initial Replication"
        case .startExportInitialReplication: "Start Export Initial Replication"
        case .resetReplicaStatistics: "Reset Replica Statistics"
        case .applyRegisteredDeltas: "Apply Registered Deltas"
        case .resynchronizingExtendedReplication: "Resynchronizing Extended Replication"
        case .readingTestReplicaConfiguration: "Reading Test Replica Configuration"
        case .changeReplicationModeToPrimary: "Change the replication mode to primary"
        case .initiateFailback: "Initiate Failback"
        case .updateDiskSet: "Update Disk Set"
        }
    }
}
