/// When missed cycles and replication lag turn `ReplicationHealth` to Warning or Critical.
///
/// Windows documents the Warning rule: a VM goes to Warning when 20% of the replication cycles of the
/// monitoring window were missed, or when no replica was sent for more than an hour (Altaro, "How to Check
/// Hyper-V Replica Health – Part 2", which the Hyper-V team's "Interpreting Replication Health" FAQ backs).
/// No Microsoft source found gives a missed-cycle threshold for Critical: Windows goes Critical when
/// replication stops in error (ReplicationState 8 or 16). wmilab chooses Critical when half or more of the
/// window's cycles were missed, so a link that is mostly down shows Critical before the engine gives up.
public struct ReplicationHealthThresholds: Sendable, Hashable {
    /// Missed share of cycles at or above which health is Warning.
    public var warningMissedCycleRatio: Double
    /// Missed share of cycles at or above which health is Critical.
    public var criticalMissedCycleRatio: Double
    /// Seconds without a replica after which health is Warning.
    public var warningReplicationLagSeconds: UInt64

    public init(
        warningMissedCycleRatio: Double, criticalMissedCycleRatio: Double, warningReplicationLagSeconds: UInt64
    ) {
        self.warningMissedCycleRatio = warningMissedCycleRatio
        self.criticalMissedCycleRatio = criticalMissedCycleRatio
        self.warningReplicationLagSeconds = warningReplicationLagSeconds
    }

    /// 20% → Warning, 50% → Critical, one hour of lag → Warning.
    public static let windows = ReplicationHealthThresholds(
        warningMissedCycleRatio: 0.2,
        criticalMissedCycleRatio: 0.5,
        warningReplicationLagSeconds: 3600
    )
}
