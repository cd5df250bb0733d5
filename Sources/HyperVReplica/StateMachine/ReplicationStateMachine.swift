/// The Hyper-V Replica state machine of one virtual machine on one host.
///
/// A plain value: it takes a ``ReplicationEvent`` and returns the next state with the actions to perform
/// and the `JobType` of the job to report, or a ``ReplicationRefusal`` carrying the WMI return code
/// (32775 outside an operation's guard). It performs no I/O and reads no clock; the provider persists its
/// fields, rebuilds it with ``init(mode:enabledState:usesExternalReplicationProvider:primary:extended:)``,
/// keeps ``enabledState`` current and performs the actions.
public struct ReplicationStateMachine: Sendable, Hashable, Codable {
    /// `Msvm_ComputerSystem.ReplicationMode`.
    public var mode: ReplicationMode
    /// The VM's power state, read by the "VM must be Off" guards.
    public var enabledState: EnabledState
    /// Whether the relationship uses an external `Msvm_ReplicationProvider` (needed by `InitiateFailback`).
    public var usesExternalReplicationProvider: Bool
    /// The relationship `\HVR\0`.
    public var primary: ReplicationRelationshipStatus
    /// The relationship `\HVR\1`, present on a replica VM that replicates on to an extended replica.
    public var extended: ReplicationRelationshipStatus?

    public init(
        mode: ReplicationMode = .none,
        enabledState: EnabledState = .disabled,
        usesExternalReplicationProvider: Bool = false,
        primary: ReplicationRelationshipStatus = .init(),
        extended: ReplicationRelationshipStatus? = nil
    ) {
        self.mode = mode
        self.enabledState = enabledState
        self.usesExternalReplicationProvider = usesExternalReplicationProvider
        self.primary = primary
        self.extended = extended
    }

    /// The status of a relationship, `nil` when the VM has no such relationship.
    public func relationship(_ side: ReplicationRelationshipSide) -> ReplicationRelationshipStatus? {
        switch side {
        case .primary: primary
        case .extended: extended
        }
    }

    /// The state `Msvm_ComputerSystem.ReplicationState` shows: that of `\HVR\0`.
    public var replicationState: ReplicationState { primary.state }

    /// Returns what the event leads to, or why it is refused.
    public func handling(_ event: ReplicationEvent) throws(ReplicationRefusal) -> ReplicationTransition {
        switch event {
        case .createReplicationRelationship: try createReplicationRelationship()
        case .modifyReplicationSettings: try modifyReplicationSettings()
        case .startReplication(let type, let location, let startTime):
            try startReplication(rawType: type, exportLocation: location, startTime: startTime)
        case .importInitialReplica(let location): try importInitialReplica(location: location)
        case .requestReplicationStateChange(let requested, let side):
            try requestReplicationStateChange(rawState: requested, side: side)
        case .resynchronize(let startTime): try resynchronize(startTime: startTime)
        case .initiateFailover(let point): try initiateFailover(point)
        case .revertFailover: try revertFailover()
        case .commitFailover: try commitFailover()
        case .reverseReplicationRelationship: try reverseReplicationRelationship()
        case .testReplicaSystem(let point): try testReplicaSystem(point)
        case .destroyTestReplicaSystem: try destroyTestReplicaSystem()
        case .removeReplicationRelationship(let side): try removeReplicationRelationship(side)
        case .resetReplicationStatistics(let side): try resetReplicationStatistics(side)
        case .changeReplicationModeToPrimary: try changeReplicationModeToPrimary()
        case .initiateFailback(let point): try initiateFailback(point)
        case .peerCreatedReplica(let mode): try peerCreatedReplica(mode: mode)
        case .scheduledStartReached(let side): try scheduledStartReached(side)
        case .initialReplicationCompleted(let side): try initialReplicationCompleted(side)
        case .deltaCompleted(let type, let side): try deltaCompleted(type, side)
        case .cycleMissed(let side): try cycleMissed(side)
        case .replicationFailed(let side): try replicationFailed(side)
        case .linkRestored(let side): try linkRestored(side)
        case .peerResynchronizationStarted: try peerResynchronizationStarted()
        case .resynchronizationCompleted(let side): try resynchronizationCompleted(side)
        case .failoverCompleted: try failoverCompleted()
        case .failbackCompleted: try failbackCompleted()
        case .diskUpdateCompleted(let succeeded, let side): try diskUpdateCompleted(succeeded: succeeded, side)
        case .jobCancelled(let jobType, let side): try jobCancelled(jobType, side)
        case .peerReversed(let planned): try peerReversed(planned: planned)
        }
    }

    /// Applies the event to `self` and returns the transition; `self` is unchanged when it is refused.
    @discardableResult
    public mutating func handle(_ event: ReplicationEvent) throws(ReplicationRefusal) -> ReplicationTransition {
        let transition = try handling(event)
        self = transition.next
        return transition
    }
}

// MARK: - Roles and building transitions

extension ReplicationStateMachine {
    /// What a relationship does on this VM.
    enum Role {
        /// This VM sends replicas over it (primary `\HVR\0`, or a replica's extended `\HVR\1`).
        case sending
        /// This VM receives replicas over it (the `\HVR\0` of a replica or extended replica).
        case receiving
    }

    /// The role of an existing, enabled relationship; `nil` when there is none.
    func role(of side: ReplicationRelationshipSide) -> Role? {
        guard let status = relationship(side), status.state != .disabled else { return nil }
        switch (mode, side) {
        case (.primary, .primary): return .sending
        case (.recovery, .primary), (.extendedReplica, .primary): return .receiving
        case (.recovery, .extended): return .sending
        default: return nil
        }
    }

    /// The relationship this VM sends over: `\HVR\0` on a primary, `\HVR\1` on a replica.
    var sendingSide: ReplicationRelationshipSide? {
        switch mode {
        case .primary: .primary
        case .recovery: .extended
        default: nil
        }
    }

    /// A transition that changes the relationship on `side` (and anything else) through `change`.
    func transition(
        _ side: ReplicationRelationshipSide,
        actions: [ReplicationAction],
        job: JobType?,
        change: (inout ReplicationStateMachine, inout ReplicationRelationshipStatus) -> Void
    ) -> ReplicationTransition {
        var next = self
        var status = relationship(side) ?? ReplicationRelationshipStatus()
        change(&next, &status)
        switch side {
        case .primary: next.primary = status
        case .extended: next.extended = status
        }
        return ReplicationTransition(next: next, relationship: side, actions: actions, jobType: job)
    }

    /// A transition that moves the relationship on `side` to `state`.
    func transition(
        _ side: ReplicationRelationshipSide,
        to state: ReplicationState,
        actions: [ReplicationAction],
        job: JobType?
    ) -> ReplicationTransition {
        transition(side, actions: actions, job: job) { _, status in status.state = state }
    }

    func stateText(_ side: ReplicationRelationshipSide) -> String {
        let state = relationship(side)?.state ?? .disabled
        return "ReplicationMode \(mode.rawValue) (\(mode.name)), \(side.instanceIDSuffix) ReplicationState "
            + "\(state.rawValue) (\(state.name)), EnabledState \(enabledState.rawValue)"
    }

    func refuse(_ operation: String, _ side: ReplicationRelationshipSide = .primary) -> ReplicationRefusal {
        .invalidState("\(operation) is not allowed in \(stateText(side)).")
    }
}
