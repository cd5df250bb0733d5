import struct Foundation.Date

// Enabling replication and the initial replication (A.15 rows 1–6 and 20).
extension ReplicationStateMachine {
    func createReplicationRelationship() throws(ReplicationRefusal) -> ReplicationTransition {
        let actions: [ReplicationAction] = [.createRelationship, .createReplicaOnRecoveryHost]
        if mode == .none, primary.state == .disabled {
            return transition(.primary, actions: actions, job: .createReplicationRelationship) { machine, status in
                machine.mode = .primary
                status = ReplicationRelationshipStatus(state: .readyForReplication)
            }
        }
        // On a replica that receives replicas, the call creates the extended relationship \HVR\1.
        if mode == .recovery, primary.state == .replicating, extended == nil {
            return transition(.extended, actions: actions, job: .createReplicationRelationship) { _, status in
                status = ReplicationRelationshipStatus(state: .readyForReplication)
            }
        }
        throw refuse("CreateReplicationRelationship")
    }

    func modifyReplicationSettings() throws(ReplicationRefusal) -> ReplicationTransition {
        guard let side = sendingSide, role(of: side) == .sending else {
            throw refuse("ModifyReplicationSettings", sendingSide ?? .primary)
        }
        return transition(side, actions: [.applySettings], job: .modifyReplicationRelationshipSettings) { _, _ in }
    }

    func startReplication(
        rawType: UInt16,
        exportLocation: String?,
        startTime: Date?
    ) throws(ReplicationRefusal) -> ReplicationTransition {
        guard let type = InitialReplicationType(rawValue: rawType) else {
            throw .invalidParameter(
                "InitialReplicationType \(rawType) is not 1 (Network Transfer), 2 (Export) "
                    + "or 3 (Seeded Network Transfer)."
            )
        }
        let location = exportLocation ?? ""
        if type == .export, location.isEmpty {
            throw .invalidParameter("InitialReplicationExportLocation is required for an Export initial replication.")
        }
        guard let side = sendingSide, role(of: side) == .sending, let status = relationship(side),
            status.state == .readyForReplication, status.scheduled == nil
        else {
            throw refuse("StartReplication", sendingSide ?? .primary)
        }
        // StartTime is ignored for Export.
        if let startTime, type != .export {
            return transition(side, actions: [.scheduleAt(startTime)], job: type.jobType) { _, status in
                status.scheduled = .initialReplication(type)
            }
        }
        let action = ReplicationAction.startInitialReplication(type, exportLocation: type == .export ? location : nil)
        return transition(side, to: .waitingToCompleteInitialReplication, actions: [action], job: type.jobType)
    }

    func importInitialReplica(location: String) throws(ReplicationRefusal) -> ReplicationTransition {
        guard !location.isEmpty else {
            throw .invalidParameter("InitialReplicationImportLocation must not be Null or empty.")
        }
        guard mode == .recovery || mode == .extendedReplica,
            primary.state == .waitingToCompleteInitialReplication
        else {
            throw refuse("ImportInitialReplica")
        }
        // The relationship stays in 2 while the import job runs; its completion moves it to 3.
        return transition(.primary, actions: [.importInitialReplica(location: location)], job: .importReplication) {
            _, _ in
        }
    }

    func peerCreatedReplica(mode newMode: ReplicationMode) throws(ReplicationRefusal) -> ReplicationTransition {
        guard newMode == .recovery || newMode == .extendedReplica else {
            throw .invalidParameter("A peer creates a replica in ReplicationMode 2 or 4, not \(newMode.rawValue).")
        }
        guard mode == .none, primary.state == .disabled else {
            throw refuse("Creating the replica")
        }
        return transition(.primary, actions: [.createRelationship], job: nil) { machine, status in
            machine.mode = newMode
            status = ReplicationRelationshipStatus(state: .waitingToCompleteInitialReplication)
        }
    }

    func scheduledStartReached(_ side: ReplicationRelationshipSide) throws(ReplicationRefusal) -> ReplicationTransition
    {
        guard role(of: side) == .sending, let status = relationship(side) else {
            throw refuse("A scheduled start", side)
        }
        switch (status.scheduled, status.state) {
        case (.initialReplication(let type)?, .readyForReplication):
            let action = ReplicationAction.startInitialReplication(type, exportLocation: nil)
            return transition(side, actions: [action], job: nil) { _, status in
                status.state = .waitingToCompleteInitialReplication
                status.scheduled = nil
            }
        case (.resynchronization?, .waitingToStartResynchronization):
            let actions: [ReplicationAction] = [.startResynchronization, .notifyPeer(.resynchronizationStarted)]
            return transition(side, actions: actions, job: nil) { _, status in
                status.state = .resynchronizing
                status.scheduled = nil
            }
        default:
            throw refuse("A scheduled start", side)
        }
    }

    func initialReplicationCompleted(_ side: ReplicationRelationshipSide) throws(ReplicationRefusal)
        -> ReplicationTransition
    {
        guard let role = role(of: side), relationship(side)?.state == .waitingToCompleteInitialReplication else {
            throw refuse("Completing the initial replication", side)
        }
        var actions: [ReplicationAction] = [.recordLastReplication(.regular)]
        if role == .receiving {
            actions.append(.notifyPeer(.initialReplicationApplied))
        }
        return transition(side, actions: actions, job: nil) { _, status in
            status.state = .replicating
            status.recordReplication(.regular)
        }
    }
}

extension ReplicationRelationshipStatus {
    /// Records a replica sent or applied: `LastReplicationTime`, `LastReplicationType`, a successful cycle.
    mutating func recordReplication(_ type: LastReplicationType) {
        hasLastReplicationTime = true
        lastReplicationType = type
        counters.successCount = counters.successCount.incremented
    }
}
