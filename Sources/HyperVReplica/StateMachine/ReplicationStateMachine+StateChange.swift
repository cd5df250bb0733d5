import struct Foundation.Date

// RequestReplicationStateChange(Ex), Resynchronize, statistics and removal (A.15 rows 5, 7–12, 19).
extension ReplicationStateMachine {
    func requestReplicationStateChange(
        rawState: UInt16,
        side: ReplicationRelationshipSide
    ) throws(ReplicationRefusal) -> ReplicationTransition {
        guard [1, 2, 3, 4, 7, 9].contains(rawState) else {
            throw .invalidParameter("RequestedState \(rawState) is not one of 1, 2, 3, 4, 7, 9.")
        }
        try requireRelationship(side)
        let operation = "RequestReplicationStateChange(\(rawState))"
        let role = role(of: side)
        let status = relationship(side) ?? ReplicationRelationshipStatus()
        let state = status.state
        switch rawState {
        case 1:
            let allowed =
                [.waitingToCompleteInitialReplication, .suspended, .critical].contains(state)
                || !status.hasLastReplicationTime
            guard role == .sending, allowed else { throw refuse(operation, side) }
            let action: ReplicationAction =
                state == .readyForReplication && status.scheduled != nil
                ? .cancelScheduledStart : .cancelInitialReplication
            return transition(side, actions: [action], job: .stopInitialReplication) { _, status in
                status.state = .readyForReplication
                status.scheduled = nil
            }
        case 2:
            guard side == .primary, mode == .none, primary.state == .disabled else { throw refuse(operation, side) }
            return transition(.primary, actions: [.prepareAsReplica], job: .replicateStateChange) { machine, status in
                machine.mode = .recovery
                status = ReplicationRelationshipStatus(state: .waitingToCompleteInitialReplication)
            }
        case 3:
            let resumable: [ReplicationState] = [
                .suspended, .critical, .waitingToStartResynchronization, .resynchronizationSuspended,
                .diskUpdateCritical,
            ]
            guard let role, resumable.contains(state) else { throw refuse(operation, side) }
            // A failed disk update resumes by updating the disks again (16 → 15), not by replicating.
            if state == .diskUpdateCritical {
                return transition(
                    side, to: .diskUpdateInProgress, actions: [.resumeReplication], job: .replicateStateChange)
            }
            let actions: [ReplicationAction] =
                role == .sending ? [.resumeReplication, .shipPendingDeltas] : [.resumeReplication]
            return transition(side, actions: actions, job: .replicateStateChange) { _, status in
                status.state = .replicating
                status.scheduled = nil
            }
        case 4:
            let preparable: [ReplicationState] =
                side == .primary ? [.replicating] : [.replicating, .diskUpdateInProgress, .diskUpdateCritical]
            guard role == .sending, enabledState.isOff, preparable.contains(state) else {
                throw refuse(operation, side)
            }
            return transition(
                side,
                to: .syncedReplicationComplete,
                actions: [.shipPendingDeltas],
                job: .initiateSyncedReplication
            )
        case 7:
            let suspendable: [ReplicationState] = [
                .waitingToCompleteInitialReplication, .replicating, .resynchronizing,
            ]
            guard role != nil, suspendable.contains(state) else { throw refuse(operation, side) }
            return transition(side, to: .suspended, actions: [.suspendReplication], job: .replicateStateChange)
        default:  // 9, Cancel Resynchronize
            guard let role, state == .resynchronizing else { throw refuse(operation, side) }
            let next: ReplicationState = role == .sending ? .waitingToStartResynchronization : .replicating
            return transition(side, to: next, actions: [.cancelResynchronization], job: .stopResynchronizing)
        }
    }

    func resynchronize(startTime: Date?) throws(ReplicationRefusal) -> ReplicationTransition {
        let resynchronizable: [ReplicationState] = [
            .suspended, .critical, .waitingToStartResynchronization, .resynchronizationSuspended, .diskUpdateCritical,
        ]
        guard let side = sendingSide, role(of: side) == .sending, let status = relationship(side),
            resynchronizable.contains(status.state)
        else {
            throw refuse("Resynchronize", sendingSide ?? .primary)
        }
        let job: JobType = side == .extended ? .resynchronizingExtendedReplication : .resynchronizing
        if let startTime {
            return transition(side, actions: [.scheduleAt(startTime)], job: job) { _, status in
                status.state = .waitingToStartResynchronization
                status.scheduled = .resynchronization
            }
        }
        let actions: [ReplicationAction] = [.startResynchronization, .notifyPeer(.resynchronizationStarted)]
        return transition(side, actions: actions, job: job) { _, status in
            status.state = .resynchronizing
            status.scheduled = nil
        }
    }

    func resetReplicationStatistics(
        _ side: ReplicationRelationshipSide
    ) throws(ReplicationRefusal) -> ReplicationTransition {
        try requireRelationship(side)
        guard role(of: side) != nil else { throw refuse("ResetReplicationStatistics", side) }
        return transition(side, actions: [.resetStatistics], job: .resetReplicaStatistics) { _, status in
            status.counters = ReplicationCounters()
        }
    }

    func removeReplicationRelationship(
        _ side: ReplicationRelationshipSide
    ) throws(ReplicationRefusal) -> ReplicationTransition {
        try requireRelationship(side)
        guard role(of: side) != nil else { throw refuse("RemoveReplicationRelationship", side) }
        if side == .primary, extended != nil {
            throw .invalidState("The primary relationship cannot be removed while extended replication exists.")
        }
        var next = self
        switch side {
        case .primary:
            next.mode = .none
            next.primary = ReplicationRelationshipStatus()
        case .extended:
            next.extended = nil
        }
        return ReplicationTransition(
            next: next,
            relationship: side,
            actions: [.removeRelationship],
            jobType: .removeReplicationRelationship
        )
    }

    /// A method that names `\HVR\1` on a VM without it passes an invalid `ReplicationRelationship`.
    func requireRelationship(_ side: ReplicationRelationshipSide) throws(ReplicationRefusal) {
        if side == .extended, extended == nil {
            throw .invalidParameter("The virtual machine has no replication relationship \\HVR\\1.")
        }
    }
}
