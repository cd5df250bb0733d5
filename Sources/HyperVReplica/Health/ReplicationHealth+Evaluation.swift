extension ReplicationHealth {
    /// Evaluates `ReplicationHealth` for a relationship.
    ///
    /// - Not applicable when replication is disabled.
    /// - Critical in Critical (8) and Disk update critical (16), or when missed cycles reach the critical ratio.
    /// - Warning while replication is not yet or no longer flowing (1, 2, 7, 9, 10, 11, 17), when missed cycles
    ///   reach the warning ratio, or when `secondsSinceLastReplication` exceeds the lag threshold.
    /// - Ok otherwise (3, 4, 5, 6 and the transient 12–15, 18–21).
    ///
    /// `ResetReplicationStatistics` zeroes the counters, which turns a missed-cycle Warning back to Ok.
    public static func evaluate(
        state: ReplicationState,
        counters: ReplicationCounters,
        secondsSinceLastReplication: UInt64? = nil,
        thresholds: ReplicationHealthThresholds = .windows
    ) -> ReplicationHealth {
        let base: ReplicationHealth
        switch state {
        case .disabled:
            return .notApplicable
        case .critical, .diskUpdateCritical:
            return .critical
        case .readyForReplication, .waitingToCompleteInitialReplication, .suspended,
            .waitingToStartResynchronization, .resynchronizing, .resynchronizationSuspended, .unknown:
            base = .warning
        case .replicating, .syncedReplicationComplete, .recovered, .committed, .failoverInProgress,
            .failbackInProgress, .failbackComplete, .diskUpdateInProgress, .repurposeReplicationInProgress,
            .preparedForSyncReplication, .preparedForGroupReverseReplication, .firedrillInProgress:
            base = .ok
        }
        let ratio = counters.missedCycleRatio
        if counters.missCount > 0, ratio >= thresholds.criticalMissedCycleRatio {
            return .critical
        }
        if counters.missCount > 0, ratio >= thresholds.warningMissedCycleRatio {
            return .warning
        }
        if let lag = secondsSinceLastReplication, lag > thresholds.warningReplicationLagSeconds {
            return .warning
        }
        return base
    }
}
