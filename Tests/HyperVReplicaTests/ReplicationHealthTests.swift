import HyperVReplica
import Testing

@Suite struct ReplicationHealthTests {
    static let expectations: [(ReplicationState, ReplicationHealth)] = [
        (.disabled, .notApplicable), (.readyForReplication, .warning),
        (.waitingToCompleteInitialReplication, .warning),
        (.replicating, .ok), (.syncedReplicationComplete, .ok), (.recovered, .ok), (.committed, .ok),
        (.suspended, .warning), (.critical, .critical), (.waitingToStartResynchronization, .warning),
        (.resynchronizationSuspended, .warning), (.diskUpdateCritical, .critical),
    ]

    @Test("health by state with clean counters", arguments: expectations)
    func byState(_ state: ReplicationState, _ health: ReplicationHealth) {
        #expect(ReplicationHealth.evaluate(state: state, counters: .init()) == health)
    }

    @Test(
        "missed cycles: under 20% Ok, 20% Warning, 50% Critical",
        arguments: [
            (1, 9, ReplicationHealth.ok), (2, 8, .warning), (4, 6, .warning), (5, 5, .critical), (10, 0, .critical),
        ] as [(UInt32, UInt32, ReplicationHealth)])
    func missedCycles(_ missed: UInt32, _ succeeded: UInt32, _ health: ReplicationHealth) {
        let counters = ReplicationCounters(successCount: succeeded, missCount: missed)
        #expect(ReplicationHealth.evaluate(state: .replicating, counters: counters) == health)
    }

    @Test("more than an hour without a replica is Warning")
    func lag() {
        #expect(
            ReplicationHealth.evaluate(state: .replicating, counters: .init(), secondsSinceLastReplication: 3600)
                == .ok)
        #expect(
            ReplicationHealth.evaluate(state: .replicating, counters: .init(), secondsSinceLastReplication: 3601)
                == .warning)
    }

    @Test("missed cycles turn Warning, ResetReplicationStatistics turns it back to Ok")
    func resetStatistics() throws {
        var machine = ReplicationStateMachine.primaryVM(.replicating)
        for _ in 0..<4 { try machine.handle(.deltaCompleted(.regular)) }
        try machine.handle(.cycleMissed())
        #expect(machine.primary.health == .warning)
        for _ in 0..<5 { try machine.handle(.cycleMissed()) }
        #expect(machine.primary.health == .critical)
        let reset = try machine.handle(.resetReplicationStatistics())
        #expect(reset.jobType == .resetReplicaStatistics && reset.actions == [.resetStatistics])
        #expect(machine.primary.counters == ReplicationCounters())
        #expect(machine.primary.health == .ok)
    }
}
