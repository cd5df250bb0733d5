/// The state of one `Msvm_ReplicationRelationship` (`\HVR\0` or `\HVR\1`) as the state machine tracks it.
public struct ReplicationRelationshipStatus: Sendable, Hashable, Codable {
    /// An operation waiting for its `StartTime`.
    public enum ScheduledOperation: Sendable, Hashable, Codable {
        case initialReplication(InitialReplicationType)
        case resynchronization
    }

    public var state: ReplicationState
    public var failedOverReplicationType: FailedOverReplicationType
    public var lastReplicationType: LastReplicationType
    /// Whether `LastReplicationTime` is set (something was replicated). The time itself is the provider's.
    public var hasLastReplicationTime: Bool
    public var scheduled: ScheduledOperation?
    /// The counters `ReplicationHealth` is evaluated from.
    public var counters: ReplicationCounters

    public init(
        state: ReplicationState = .disabled,
        failedOverReplicationType: FailedOverReplicationType = .none,
        lastReplicationType: LastReplicationType = .none,
        hasLastReplicationTime: Bool = false,
        scheduled: ScheduledOperation? = nil,
        counters: ReplicationCounters = .init()
    ) {
        self.state = state
        self.failedOverReplicationType = failedOverReplicationType
        self.lastReplicationType = lastReplicationType
        self.hasLastReplicationTime = hasLastReplicationTime
        self.scheduled = scheduled
        self.counters = counters
    }

    /// `ReplicationHealth` by the default thresholds, without the replication-lag rule.
    public var health: ReplicationHealth { ReplicationHealth.evaluate(state: state, counters: counters) }
}
