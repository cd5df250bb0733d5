import HyperVReplica
import Testing

/// Two or three hosts' machines wired together the way the engine and peers would carry actions.
struct Lab {
    var primary = ReplicationStateMachine.plainVM()
    var replica = ReplicationStateMachine.plainVM(enabledState: .disabled)

    /// Handles an event on the primary VM and delivers its peer actions to the replica.
    @discardableResult
    mutating func onPrimary(_ event: ReplicationEvent) throws -> ReplicationTransition {
        let t = try primary.handle(event)
        for action in t.actions {
            switch action {
            case .createReplicaOnRecoveryHost: try replica.handle(.peerCreatedReplica(mode: .recovery))
            case .notifyPeer(.resynchronizationStarted): try replica.handle(.peerResynchronizationStarted)
            default: break
            }
        }
        return t
    }

    /// Handles an event on the replica VM and delivers its peer actions to the primary.
    @discardableResult
    mutating func onReplica(_ event: ReplicationEvent) throws -> ReplicationTransition {
        let t = try replica.handle(event)
        for action in t.actions {
            switch action {
            case .notifyPeer(.initialReplicationApplied): try primary.handle(.initialReplicationCompleted())
            case .notifyPeer(.reversed(let planned)): try primary.handle(.peerReversed(planned: planned))
            default: break
            }
        }
        return t
    }

    /// Enable and finish a network initial replication.
    mutating func replicating() throws {
        try onPrimary(.createReplicationRelationship)
        try onPrimary(.startReplication(initialReplicationType: 1))
        try onReplica(.initialReplicationCompleted())
    }
}

@Suite struct ScenarioTests {
    @Test("enable → IR → replicating → planned failover → commit → reverse")
    func plannedFailoverAndReverse() throws {
        var lab = Lab()
        try lab.onPrimary(.createReplicationRelationship)
        #expect(lab.primary.mode == .primary && lab.primary.replicationState == .readyForReplication)
        #expect(lab.replica.mode == .recovery && lab.replica.replicationState == .waitingToCompleteInitialReplication)
        try lab.onPrimary(.startReplication(initialReplicationType: 1))
        #expect(lab.primary.replicationState == .waitingToCompleteInitialReplication)
        try lab.onReplica(.initialReplicationCompleted())
        #expect(lab.primary.replicationState == .replicating && lab.replica.replicationState == .replicating)
        try lab.onPrimary(.deltaCompleted(.regular))
        try lab.onReplica(.deltaCompleted(.regular))

        // Prepare needs the primary Off.
        #expect(refusal(lab.primary, .requestReplicationStateChange(4)) == .invalidState)
        lab.primary.enabledState = .disabled
        let prepared = try lab.onPrimary(.requestReplicationStateChange(4))
        #expect(prepared.jobType == .initiateSyncedReplication && prepared.actions == [.shipPendingDeltas])
        #expect(lab.primary.replicationState == .syncedReplicationComplete)
        try lab.onPrimary(.deltaCompleted(.planned))
        try lab.onReplica(.deltaCompleted(.planned))
        #expect(lab.replica.primary.lastReplicationType == .planned)

        try lab.onReplica(.initiateFailover(.plannedFailover))
        #expect(lab.replica.primary.failedOverReplicationType == .planned)
        try lab.onReplica(.failoverCompleted)
        #expect(lab.replica.replicationState == .recovered)
        try lab.onReplica(.commitFailover)
        #expect(lab.replica.replicationState == .committed)
        let reversed = try lab.onReplica(.reverseReplicationRelationship)
        #expect(reversed.jobType == .reverseReplication)
        #expect(lab.replica.mode == .primary && lab.replica.replicationState == .replicating)
        #expect(lab.primary.mode == .recovery && lab.primary.replicationState == .replicating)
        // Replication now flows the other way.
        try lab.replica.handle(.deltaCompleted(.regular))
        try lab.primary.handle(.deltaCompleted(.regular))
    }

    @Test("test failover leaves replication alone and the test VM can be destroyed")
    func testFailover() throws {
        var lab = Lab()
        try lab.replicating()
        lab.replica.enabledState = .enabled
        #expect(refusal(lab.replica, .testReplicaSystem(.standard)) == .invalidState)
        lab.replica.enabledState = .disabled
        let test = try lab.onReplica(.testReplicaSystem(.applicationConsistent))
        #expect(test.actions == [.createTestSystem(.applicationConsistent)] && test.jobType == .initiateTestReplica)
        #expect(lab.replica.replicationState == .replicating)
        var testVM = ReplicationStateMachine(mode: .testReplica)
        #expect(refusal(testVM, .initiateFailover(.standard)) == .invalidState)
        #expect(try testVM.handle(.destroyTestReplicaSystem).jobType == .removeTestReplica)
        try lab.onReplica(.deltaCompleted(.regular))
    }

    @Test("extended replica: create, IR, failover, commit, promote")
    func extendedReplica() throws {
        var lab = Lab()
        try lab.replicating()
        var extendedVM = ReplicationStateMachine.plainVM(enabledState: .disabled)
        let created = try lab.onReplica(.createReplicationRelationship)
        #expect(created.relationship == .extended && created.actions.contains(.createReplicaOnRecoveryHost))
        try extendedVM.handle(.peerCreatedReplica(mode: .extendedReplica))
        #expect(extendedVM.mode == .extendedReplica)
        try lab.onReplica(.startReplication(initialReplicationType: 1))
        #expect(lab.replica.extended?.state == .waitingToCompleteInitialReplication)
        let applied = try extendedVM.handle(.initialReplicationCompleted())
        #expect(applied.actions.contains(.notifyPeer(.initialReplicationApplied)))
        try lab.replica.handle(.initialReplicationCompleted(.extended))
        #expect(lab.replica.extended?.state == .replicating)
        #expect(refusal(lab.replica, .removeReplicationRelationship()) == .invalidState)

        // The primary site is lost: fail over the replica and make it the primary of the extended replica.
        try lab.onReplica(.initiateFailover(.standard))
        try lab.onReplica(.failoverCompleted)
        try lab.onReplica(.commitFailover)
        let promoted = try lab.onReplica(.changeReplicationModeToPrimary)
        #expect(promoted.jobType == .changeReplicationModeToPrimary)
        #expect(lab.replica.mode == .primary && lab.replica.replicationState == .replicating)
        #expect(lab.replica.extended == nil)
    }

    @Test("an error, then resynchronize brings both sides back")
    func resyncAfterError() throws {
        var lab = Lab()
        try lab.replicating()
        try lab.onPrimary(.replicationFailed())
        #expect(lab.primary.replicationState == .critical && lab.primary.primary.health == .critical)
        try lab.onPrimary(.resynchronize())
        #expect(lab.primary.replicationState == .resynchronizing && lab.replica.replicationState == .resynchronizing)
        // Cancelled once, then run again.
        try lab.onPrimary(.requestReplicationStateChange(9))
        #expect(lab.primary.replicationState == .waitingToStartResynchronization)
        try lab.onReplica(.requestReplicationStateChange(9))
        #expect(lab.replica.replicationState == .replicating)
        try lab.onPrimary(.resynchronize())
        try lab.onPrimary(.resynchronizationCompleted())
        try lab.onReplica(.resynchronizationCompleted())
        #expect(lab.primary.replicationState == .replicating && lab.replica.replicationState == .replicating)
        #expect(lab.primary.primary.health == .ok)
    }

    @Test("cancel the initial replication and start it again")
    func cancelInitialReplication() throws {
        var lab = Lab()
        try lab.onPrimary(.createReplicationRelationship)
        try lab.onPrimary(.startReplication(initialReplicationType: 1))
        #expect(refusal(lab.primary, .startReplication(initialReplicationType: 1)) == .invalidState)
        try lab.onPrimary(.jobCancelled(.startInbandInitialReplication))
        #expect(lab.primary.replicationState == .readyForReplication)
        try lab.onPrimary(.startReplication(initialReplicationType: 2, exportLocation: "/exports"))
        let stopped = try lab.onPrimary(.requestReplicationStateChange(1))
        #expect(stopped.jobType == .stopInitialReplication)
        try lab.onPrimary(.startReplication(initialReplicationType: 1))
        try lab.onReplica(.initialReplicationCompleted())
        #expect(lab.primary.replicationState == .replicating)
    }
}

@Suite struct ParameterTests {
    @Test("unknown InitialReplicationType is 32773", arguments: [0, 4, 99, UInt16.max] as [UInt16])
    func unknownInitialReplicationType(_ type: UInt16) {
        let machine = ReplicationStateMachine.primaryVM(.readyForReplication, replicated: false)
        #expect(refusal(machine, .startReplication(initialReplicationType: type)) == .invalidParameter)
    }

    @Test("Export without a location and import without one are 32773")
    func missingLocations() {
        let primary = ReplicationStateMachine.primaryVM(.readyForReplication, replicated: false)
        #expect(refusal(primary, .startReplication(initialReplicationType: 2)) == .invalidParameter)
        #expect(
            refusal(primary, .startReplication(initialReplicationType: 2, exportLocation: "")) == .invalidParameter)
        let replica = ReplicationStateMachine.replicaVM(.waitingToCompleteInitialReplication, replicated: false)
        #expect(refusal(replica, .importInitialReplica(location: "")) == .invalidParameter)
    }

    @Test("unsupported RequestedState is 32773", arguments: [0, 5, 6, 8, 10, 11, 32768] as [UInt16])
    func unsupportedRequestedState(_ requested: UInt16) {
        #expect(refusal(.primaryVM(.replicating), .requestReplicationStateChange(requested)) == .invalidParameter)
    }

    @Test("a refused event leaves the machine unchanged and says why")
    func refusalIsClean() {
        var machine = ReplicationStateMachine.primaryVM(.replicating)
        let before = machine
        #expect(throws: ReplicationRefusal.self) { try machine.handle(.commitFailover) }
        #expect(machine == before)
        do {
            try machine.handle(.commitFailover)
        } catch {
            #expect(error.returnCode.rawValue == 32775)
            #expect(error.description.contains("CommitFailover"))
        }
    }
}
