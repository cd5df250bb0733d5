// Completions the replication engine reports while replicas flow.
extension ReplicationStateMachine {
    func deltaCompleted(_ type: LastReplicationType, _ side: ReplicationRelationshipSide) throws(ReplicationRefusal)
        -> ReplicationTransition
    {
        guard type != .none else { throw .invalidParameter("A replicated delta has a LastReplicationType.") }
        guard role(of: side) != nil, let state = relationship(side)?.state,
            state == .replicating || state == .syncedReplicationComplete
        else {
            throw refuse("Completing a replication cycle", side)
        }
        return transition(side, actions: [.recordLastReplication(type)], job: nil) { _, status in
            status.recordReplication(type)
        }
    }

    func cycleMissed(_ side: ReplicationRelationshipSide) throws(ReplicationRefusal) -> ReplicationTransition {
        guard role(of: side) != nil, relationship(side)?.state == .replicating else {
            throw refuse("Missing a replication cycle", side)
        }
        return transition(side, actions: [], job: nil) { _, status in
            status.counters.missCount = status.counters.missCount.incremented
        }
    }

    func replicationFailed(_ side: ReplicationRelationshipSide) throws(ReplicationRefusal) -> ReplicationTransition {
        let failable: [ReplicationState] = [
            .waitingToCompleteInitialReplication, .replicating, .syncedReplicationComplete, .resynchronizing,
        ]
        guard role(of: side) != nil, let state = relationship(side)?.state, failable.contains(state) else {
            throw refuse("A replication failure", side)
        }
        return transition(side, actions: [], job: nil) { _, status in
            status.state = .critical
            status.counters.failureCount = status.counters.failureCount.incremented
        }
    }

    func linkRestored(_ side: ReplicationRelationshipSide) throws(ReplicationRefusal) -> ReplicationTransition {
        // Only a relationship that replicated before goes back to replicating by itself; a failed initial
        // replication has to be stopped and started again.
        guard let role = role(of: side), let status = relationship(side), status.state == .critical,
            status.hasLastReplicationTime
        else {
            throw refuse("Restoring the link", side)
        }
        let actions: [ReplicationAction] = role == .sending ? [.shipPendingDeltas] : []
        return transition(side, to: .replicating, actions: actions, job: nil)
    }

    func peerResynchronizationStarted() throws(ReplicationRefusal) -> ReplicationTransition {
        let resynchronizable: [ReplicationState] = [
            .replicating, .suspended, .critical, .waitingToStartResynchronization, .resynchronizationSuspended,
            .diskUpdateCritical,
        ]
        guard role(of: .primary) == .receiving, resynchronizable.contains(primary.state) else {
            throw refuse("Resynchronizing from the primary")
        }
        return transition(.primary, to: .resynchronizing, actions: [], job: nil)
    }

    func resynchronizationCompleted(_ side: ReplicationRelationshipSide) throws(ReplicationRefusal)
        -> ReplicationTransition
    {
        guard role(of: side) != nil, relationship(side)?.state == .resynchronizing else {
            throw refuse("Completing a resynchronization", side)
        }
        return transition(side, actions: [.recordLastReplication(.regular)], job: nil) { _, status in
            status.state = .replicating
            status.recordReplication(.regular)
        }
    }

    func diskUpdateCompleted(succeeded: Bool, _ side: ReplicationRelationshipSide) throws(ReplicationRefusal)
        -> ReplicationTransition
    {
        guard role(of: side) != nil, relationship(side)?.state == .diskUpdateInProgress else {
            throw refuse("Completing a disk update", side)
        }
        return transition(side, to: succeeded ? .replicating : .diskUpdateCritical, actions: [], job: nil)
    }

    func jobCancelled(_ jobType: JobType, _ side: ReplicationRelationshipSide) throws(ReplicationRefusal)
        -> ReplicationTransition
    {
        let operation = "Cancelling a job of type \(jobType.rawValue) (\(jobType.name))"
        guard let role = role(of: side), let status = relationship(side) else { throw refuse(operation, side) }
        switch jobType {
        case .startInbandInitialReplication, .sendingInitialReplica, .startResyncInitialReplication,
            .startExportInitialReplication:
            guard role == .sending else { break }
            if status.state == .waitingToCompleteInitialReplication {
                return transition(side, to: .readyForReplication, actions: [.cancelInitialReplication], job: nil)
            }
            if status.state == .readyForReplication, status.scheduled != nil {
                return transition(side, actions: [.cancelScheduledStart], job: nil) { _, status in
                    status.scheduled = nil
                }
            }
        case .resynchronizing, .resynchronizingExtendedReplication:
            if status.state == .resynchronizing {
                let next: ReplicationState = role == .sending ? .waitingToStartResynchronization : .replicating
                return transition(side, to: next, actions: [.cancelResynchronization], job: nil)
            }
            if role == .sending, status.state == .waitingToStartResynchronization, status.scheduled != nil {
                return transition(side, actions: [.cancelScheduledStart], job: nil) { _, status in
                    status.scheduled = nil
                }
            }
        case .initiateFailover:
            guard role == .receiving, status.state == .failoverInProgress else { break }
            return transition(side, actions: [.discardFailoverDisk], job: nil) { _, status in
                status.state = .replicating
                status.failedOverReplicationType = .none
            }
        default:
            break
        }
        throw refuse(operation, side)
    }
}
