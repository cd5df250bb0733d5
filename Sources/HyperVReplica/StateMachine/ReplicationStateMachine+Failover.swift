// Failover, test failover, reverse, failback and promotion (A.15 rows 13–18, 21, 22).
extension ReplicationStateMachine {
    var isReplicaMode: Bool { mode == .recovery || mode == .extendedReplica }

    func initiateFailover(_ point: RecoveryPointKind) throws(ReplicationRefusal) -> ReplicationTransition {
        let failoverable: [ReplicationState] = [.replicating, .suspended, .resynchronizing, .diskUpdateInProgress]
        guard isReplicaMode, enabledState.isOff, failoverable.contains(primary.state), primary.hasLastReplicationTime
        else {
            throw refuse("InitiateFailover")
        }
        return transition(.primary, actions: [.startFailover(point)], job: .initiateFailover) { _, status in
            status.state = .failoverInProgress
            status.failedOverReplicationType = point.failedOverReplicationType
            status.scheduled = nil
        }
    }

    func failoverCompleted() throws(ReplicationRefusal) -> ReplicationTransition {
        guard isReplicaMode, primary.state == .failoverInProgress else { throw refuse("Completing a failover") }
        return transition(.primary, to: .recovered, actions: [], job: nil)
    }

    func revertFailover() throws(ReplicationRefusal) -> ReplicationTransition {
        // On a prepared primary, RevertFailover cancels the planned failover.
        if mode == .primary, primary.state == .syncedReplicationComplete {
            return transition(
                .primary, to: .replicating, actions: [.cancelPreparedFailover], job: .cancelSyncedReplication)
        }
        guard isReplicaMode, enabledState.isOff, [.recovered, .failoverInProgress].contains(primary.state) else {
            throw refuse("RevertFailover")
        }
        return transition(.primary, actions: [.discardFailoverDisk], job: .revertFailover) { _, status in
            status.state = .replicating
            status.failedOverReplicationType = .none
        }
    }

    func commitFailover() throws(ReplicationRefusal) -> ReplicationTransition {
        guard isReplicaMode, primary.state == .recovered else { throw refuse("CommitFailover") }
        return transition(.primary, to: .committed, actions: [.flattenRecoveryPoints], job: .commitFailover)
    }

    func reverseReplicationRelationship() throws(ReplicationRefusal) -> ReplicationTransition {
        guard mode == .recovery, extended == nil, [.recovered, .committed].contains(primary.state) else {
            throw refuse("ReverseReplicationRelationship")
        }
        // After a planned failover both sides hold the same data and replication goes on; after an
        // unplanned one the new primary needs an initial replication.
        let planned = primary.failedOverReplicationType == .planned
        let actions: [ReplicationAction] = [.reverseReplication, .notifyPeer(.reversed(planned: planned))]
        return transition(.primary, actions: actions, job: .reverseReplication) { machine, status in
            machine.mode = .primary
            status.failedOverReplicationType = .none
            status.counters = ReplicationCounters()
            if planned {
                status.state = .replicating
            } else {
                status = ReplicationRelationshipStatus(state: .readyForReplication)
            }
        }
    }

    func peerReversed(planned: Bool) throws(ReplicationRefusal) -> ReplicationTransition {
        guard mode == .primary, primary.state != .disabled, !planned || primary.state == .syncedReplicationComplete
        else {
            throw refuse("Reversing the relationship")
        }
        return transition(.primary, actions: [.becomeReplica], job: nil) { machine, status in
            machine.mode = .recovery
            machine.extended = nil
            status =
                planned
                ? ReplicationRelationshipStatus(
                    state: .replicating,
                    lastReplicationType: .planned,
                    hasLastReplicationTime: status.hasLastReplicationTime
                )
                : ReplicationRelationshipStatus(state: .waitingToCompleteInitialReplication)
        }
    }

    func testReplicaSystem(_ point: RecoveryPointKind) throws(ReplicationRefusal) -> ReplicationTransition {
        guard isReplicaMode, enabledState.isOff, [.replicating, .suspended].contains(primary.state),
            primary.hasLastReplicationTime
        else {
            throw refuse("TestReplicaSystem")
        }
        return transition(.primary, actions: [.createTestSystem(point)], job: .initiateTestReplica) { _, _ in }
    }

    func destroyTestReplicaSystem() throws(ReplicationRefusal) -> ReplicationTransition {
        guard mode == .testReplica else { throw refuse("Removing a test replica") }
        return transition(.primary, actions: [.destroyTestSystem], job: .removeTestReplica) { machine, status in
            machine.mode = .none
            status = ReplicationRelationshipStatus()
        }
    }

    func changeReplicationModeToPrimary() throws(ReplicationRefusal) -> ReplicationTransition {
        guard mode == .recovery, primary.state == .committed, let promoted = extended, promoted.state != .disabled
        else {
            throw refuse("ChangeReplicationModeToPrimary")
        }
        var next = self
        next.mode = .primary
        next.primary = promoted
        next.extended = nil
        return ReplicationTransition(
            next: next,
            relationship: .extended,
            actions: [.promoteExtendedRelationship],
            jobType: .changeReplicationModeToPrimary
        )
    }

    func initiateFailback(_ point: RecoveryPointKind?) throws(ReplicationRefusal) -> ReplicationTransition {
        guard usesExternalReplicationProvider else {
            throw .notSupported("InitiateFailback needs an external replication provider.")
        }
        guard isReplicaMode, [.recovered, .committed].contains(primary.state) else { throw refuse("InitiateFailback") }
        return transition(.primary, to: .failbackInProgress, actions: [.startFailback], job: .initiateFailback)
    }

    func failbackCompleted() throws(ReplicationRefusal) -> ReplicationTransition {
        guard isReplicaMode, primary.state == .failbackInProgress else { throw refuse("Completing a failback") }
        return transition(.primary, to: .failbackComplete, actions: [], job: nil)
    }
}
