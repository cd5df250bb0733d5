/// `ReplicationState` of `Msvm_ReplicationRelationship` (and the deprecated copy on `Msvm_ComputerSystem`),
/// with the values and names of the WMI reference. Values 15–21 exist from Windows 10 1703.
public enum ReplicationState: UInt16, CaseIterable, Sendable, Hashable, Codable {
    case disabled = 0
    case readyForReplication = 1
    case waitingToCompleteInitialReplication = 2
    case replicating = 3
    case syncedReplicationComplete = 4
    case recovered = 5
    case committed = 6
    case suspended = 7
    case critical = 8
    case waitingToStartResynchronization = 9
    case resynchronizing = 10
    case resynchronizationSuspended = 11
    case failoverInProgress = 12
    case failbackInProgress = 13
    case failbackComplete = 14
    case diskUpdateInProgress = 15
    case diskUpdateCritical = 16
    case unknown = 17
    case repurposeReplicationInProgress = 18
    case preparedForSyncReplication = 19
    case preparedForGroupReverseReplication = 20
    case firedrillInProgress = 21

    /// The name the WMI documentation gives the value.
    public var name: String {
        switch self {
        case .disabled: "Disabled"
        case .readyForReplication: "Ready for replication"
        case .waitingToCompleteInitialReplication: "Waiting to complete initial replication"
        case .replicating: "Replicating"
        case .syncedReplicationComplete: "Synced replication complete"
        case .recovered: "Recovered"
        case .committed: "Committed"
        case .suspended: "Suspended"
        case .critical: "Critical"
        case .waitingToStartResynchronization: "Waiting to start resynchronization"
        case .resynchronizing: "Resynchronizing"
        case .resynchronizationSuspended: "Resynchronization suspended"
        case .failoverInProgress: "Failover in progress"
        case .failbackInProgress: "Failback in progress"
        case .failbackComplete: "Failback complete"
        case .diskUpdateInProgress: "Disk update in progress"
        case .diskUpdateCritical: "Disk update critical"
        case .unknown: "Unknown"
        case .repurposeReplicationInProgress: "Repurpose replication in progress"
        case .preparedForSyncReplication: "Prepared for sync replication"
        case .preparedForGroupReverseReplication: "Prepared for group reverse replication"
        case .firedrillInProgress: "Firedrill in progress"
        }
    }
}
