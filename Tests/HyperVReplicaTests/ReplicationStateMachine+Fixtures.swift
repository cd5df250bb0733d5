import HyperVReplica

/// Machines in the states the tests start from.
extension ReplicationStateMachine {
    /// A primary VM (mode 1) with `\HVR\0` in `state`.
    static func primaryVM(
        _ state: ReplicationState,
        enabledState: EnabledState = .enabled,
        replicated: Bool = true
    ) -> ReplicationStateMachine {
        ReplicationStateMachine(
            mode: .primary,
            enabledState: enabledState,
            primary: ReplicationRelationshipStatus(state: state, hasLastReplicationTime: replicated)
        )
    }

    /// A replica VM (mode 2 by default, 4 for an extended replica) with `\HVR\0` in `state`; replicas are Off.
    static func replicaVM(
        _ state: ReplicationState,
        mode: ReplicationMode = .recovery,
        enabledState: EnabledState = .disabled,
        replicated: Bool = true,
        failedOver: FailedOverReplicationType = .none,
        extended: ReplicationState? = nil,
        external: Bool = false
    ) -> ReplicationStateMachine {
        ReplicationStateMachine(
            mode: mode,
            enabledState: enabledState,
            usesExternalReplicationProvider: external,
            primary: ReplicationRelationshipStatus(
                state: state,
                failedOverReplicationType: failedOver,
                hasLastReplicationTime: replicated
            ),
            extended: extended.map { ReplicationRelationshipStatus(state: $0, hasLastReplicationTime: replicated) }
        )
    }

    /// A VM that does not replicate.
    static func plainVM(enabledState: EnabledState = .enabled) -> ReplicationStateMachine {
        ReplicationStateMachine(mode: .none, enabledState: enabledState)
    }
}
