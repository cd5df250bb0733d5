/// The counters of one statistics window (`Msvm_ReplicationStatistics`), enough to evaluate health.
public struct ReplicationCounters: Sendable, Hashable, Codable {
    /// `ReplicationSuccessCount`
    public var successCount: UInt32
    /// `ReplicationMissCount`
    public var missCount: UInt32
    /// `ReplicationFailureCount`
    public var failureCount: UInt32

    public init(successCount: UInt32 = 0, missCount: UInt32 = 0, failureCount: UInt32 = 0) {
        self.successCount = successCount
        self.missCount = missCount
        self.failureCount = failureCount
    }

    /// Share of the window's cycles that were missed, 0 when no cycle was due yet.
    public var missedCycleRatio: Double {
        let cycles = UInt64(successCount) + UInt64(missCount)
        return cycles == 0 ? 0 : Double(missCount) / Double(cycles)
    }
}

extension UInt32 {
    /// Adds one, staying at the maximum instead of trapping.
    var incremented: UInt32 { self == .max ? self : self + 1 }
}
