import Foundation
import HyperVReplica
import Testing

/// One accepted transition of the A.15 table (`../shared/reference/wmi-replication-model.md`).
struct RowCase: CustomTestStringConvertible, Sendable {
    var name: String
    var start: ReplicationStateMachine
    var event: ReplicationEvent
    var side: ReplicationRelationshipSide = .primary
    var mode: ReplicationMode
    var state: ReplicationState
    var actions: [ReplicationAction]
    var job: JobType?
    var failedOver: FailedOverReplicationType? = nil

    var testDescription: String { name }

    func check() throws {
        let transition = try start.handling(event)
        #expect(transition.next.mode == mode)
        #expect(transition.relationship == side)
        #expect(transition.next.relationship(side)?.state == state)
        #expect(transition.actions == actions)
        #expect(transition.jobType == job)
        #expect(transition.returnCode == (job == nil ? .completed : .jobStarted))
        if let failedOver {
            #expect(transition.next.relationship(side)?.failedOverReplicationType == failedOver)
        }
    }
}

private let noon = Date(timeIntervalSince1970: 1_800_000_000)

/// Every row of the A.15 table: start state(s) → event → state, actions and JobType.
@Suite struct TransitionRowTests {
    @Test(
        "Row 1: CreateReplicationRelationship enables a VM as primary",
        arguments: [
            RowCase(
                name: "running VM", start: .plainVM(), event: .createReplicationRelationship, mode: .primary,
                state: .readyForReplication, actions: [.createRelationship, .createReplicaOnRecoveryHost],
                job: .createReplicationRelationship),
            RowCase(
                name: "off VM", start: .plainVM(enabledState: .disabled), event: .createReplicationRelationship,
                mode: .primary, state: .readyForReplication,
                actions: [.createRelationship, .createReplicaOnRecoveryHost], job: .createReplicationRelationship),
            RowCase(
                name: "recovery host creates the replica", start: .plainVM(enabledState: .disabled),
                event: .peerCreatedReplica(mode: .recovery), mode: .recovery,
                state: .waitingToCompleteInitialReplication, actions: [.createRelationship], job: nil),
        ])
    func row1(_ row: RowCase) throws { try row.check() }

    @Test(
        "Row 2: StartReplication over the network",
        arguments: [
            RowCase(
                name: "now", start: .primaryVM(.readyForReplication, replicated: false),
                event: .startReplication(initialReplicationType: 1), mode: .primary,
                state: .waitingToCompleteInitialReplication,
                actions: [.startInitialReplication(.networkTransfer, exportLocation: nil)],
                job: .startInbandInitialReplication),
            RowCase(
                name: "scheduled", start: .primaryVM(.readyForReplication, replicated: false),
                event: .startReplication(initialReplicationType: 1, startTime: noon), mode: .primary,
                state: .readyForReplication, actions: [.scheduleAt(noon)], job: .startInbandInitialReplication),
            RowCase(
                name: "replica applied it", start: .primaryVM(.waitingToCompleteInitialReplication, replicated: false),
                event: .initialReplicationCompleted(), mode: .primary, state: .replicating,
                actions: [.recordLastReplication(.regular)], job: nil),
        ])
    func row2(_ row: RowCase) throws { try row.check() }

    @Test("Row 2: a scheduled start runs the initial replication at its time")
    func row2Scheduled() throws {
        var machine = ReplicationStateMachine.primaryVM(.readyForReplication, replicated: false)
        try machine.handle(.startReplication(initialReplicationType: 1, startTime: noon))
        #expect(machine.primary.scheduled == .initialReplication(.networkTransfer))
        let started = try machine.handle(.scheduledStartReached())
        #expect(started.actions == [.startInitialReplication(.networkTransfer, exportLocation: nil)])
        #expect(machine.primary.state == .waitingToCompleteInitialReplication)
        #expect(machine.primary.scheduled == nil)
        try machine.handle(.initialReplicationCompleted())
        #expect(machine.primary.state == .replicating)
        #expect(machine.primary.hasLastReplicationTime)
        #expect(machine.primary.lastReplicationType == .regular)
    }

    @Test(
        "Row 3: StartReplication by Export",
        arguments: [
            RowCase(
                name: "export", start: .primaryVM(.readyForReplication, replicated: false),
                event: .startReplication(initialReplicationType: 2, exportLocation: "D:\\IR"), mode: .primary,
                state: .waitingToCompleteInitialReplication,
                actions: [.startInitialReplication(.export, exportLocation: "D:\\IR")],
                job: .startExportInitialReplication),
            RowCase(
                name: "StartTime is ignored", start: .primaryVM(.readyForReplication, replicated: false),
                event: .startReplication(initialReplicationType: 2, exportLocation: "/exports", startTime: noon),
                mode: .primary, state: .waitingToCompleteInitialReplication,
                actions: [.startInitialReplication(.export, exportLocation: "/exports")],
                job: .startExportInitialReplication),
        ])
    func row3(_ row: RowCase) throws { try row.check() }

    @Test(
        "Row 4: ImportInitialReplica on the recovery host",
        arguments: [
            RowCase(
                name: "replica", start: .replicaVM(.waitingToCompleteInitialReplication, replicated: false),
                event: .importInitialReplica(location: "D:\\IR\\app01_1234"), mode: .recovery,
                state: .waitingToCompleteInitialReplication,
                actions: [.importInitialReplica(location: "D:\\IR\\app01_1234")],
                job: .importReplication),
            RowCase(
                name: "extended replica",
                start: .replicaVM(.waitingToCompleteInitialReplication, mode: .extendedReplica, replicated: false),
                event: .importInitialReplica(location: "/ir"), mode: .extendedReplica,
                state: .waitingToCompleteInitialReplication, actions: [.importInitialReplica(location: "/ir")],
                job: .importReplication),
            RowCase(
                name: "import done", start: .replicaVM(.waitingToCompleteInitialReplication, replicated: false),
                event: .initialReplicationCompleted(), mode: .recovery, state: .replicating,
                actions: [.recordLastReplication(.regular), .notifyPeer(.initialReplicationApplied)], job: nil),
        ])
    func row4(_ row: RowCase) throws { try row.check() }

    @Test(
        "Row 5: RequestReplicationStateChange(2) makes a restored VM a replica",
        arguments: [
            RowCase(
                name: "restored VM", start: .plainVM(enabledState: .disabled),
                event: .requestReplicationStateChange(2), mode: .recovery, state: .waitingToCompleteInitialReplication,
                actions: [.prepareAsReplica], job: .replicateStateChange)
        ])
    func row5(_ row: RowCase) throws { try row.check() }

    @Test(
        "Row 6: StartReplication seeded",
        arguments: [
            RowCase(
                name: "seeded", start: .primaryVM(.readyForReplication, replicated: false),
                event: .startReplication(initialReplicationType: 3), mode: .primary,
                state: .waitingToCompleteInitialReplication,
                actions: [.startInitialReplication(.seededNetworkTransfer, exportLocation: nil)],
                job: .startResyncInitialReplication)
        ])
    func row6(_ row: RowCase) throws { try row.check() }

    static let row7Cases: [RowCase] =
        [ReplicationState.waitingToCompleteInitialReplication, .replicating, .resynchronizing].flatMap { state in
            [
                RowCase(
                    name: "primary in \(state.rawValue)", start: .primaryVM(state),
                    event: .requestReplicationStateChange(7), mode: .primary, state: .suspended,
                    actions: [.suspendReplication], job: .replicateStateChange),
                RowCase(
                    name: "replica in \(state.rawValue)", start: .replicaVM(state),
                    event: .requestReplicationStateChange(7), mode: .recovery, state: .suspended,
                    actions: [.suspendReplication], job: .replicateStateChange),
            ]
        }

    @Test("Row 7: RequestReplicationStateChange(7) suspends", arguments: row7Cases)
    func row7(_ row: RowCase) throws { try row.check() }

    static let row8Cases: [RowCase] =
        [ReplicationState.suspended, .critical, .waitingToStartResynchronization, .resynchronizationSuspended]
        .flatMap { state in
            [
                RowCase(
                    name: "primary in \(state.rawValue)", start: .primaryVM(state),
                    event: .requestReplicationStateChange(3), mode: .primary, state: .replicating,
                    actions: [.resumeReplication, .shipPendingDeltas], job: .replicateStateChange),
                RowCase(
                    name: "replica in \(state.rawValue)", start: .replicaVM(state),
                    event: .requestReplicationStateChange(3), mode: .recovery, state: .replicating,
                    actions: [.resumeReplication], job: .replicateStateChange),
            ]
        } + [
            RowCase(
                name: "primary in 16 goes to 15", start: .primaryVM(.diskUpdateCritical),
                event: .requestReplicationStateChange(3), mode: .primary, state: .diskUpdateInProgress,
                actions: [.resumeReplication], job: .replicateStateChange),
            RowCase(
                name: "replica in 16 goes to 15", start: .replicaVM(.diskUpdateCritical),
                event: .requestReplicationStateChange(3), mode: .recovery, state: .diskUpdateInProgress,
                actions: [.resumeReplication], job: .replicateStateChange),
            RowCase(
                name: "disk update done", start: .replicaVM(.diskUpdateInProgress),
                event: .diskUpdateCompleted(succeeded: true), mode: .recovery, state: .replicating, actions: [],
                job: nil),
            RowCase(
                name: "disk update failed", start: .replicaVM(.diskUpdateInProgress),
                event: .diskUpdateCompleted(succeeded: false), mode: .recovery, state: .diskUpdateCritical,
                actions: [], job: nil),
        ]

    @Test("Row 8: RequestReplicationStateChange(3) resumes", arguments: row8Cases)
    func row8(_ row: RowCase) throws { try row.check() }

    static let row9Cases: [RowCase] =
        [
            ReplicationState.suspended, .critical, .waitingToStartResynchronization, .resynchronizationSuspended,
            .diskUpdateCritical,
        ].map { state in
            RowCase(
                name: "primary in \(state.rawValue)", start: .primaryVM(state), event: .resynchronize(),
                mode: .primary, state: .resynchronizing,
                actions: [.startResynchronization, .notifyPeer(.resynchronizationStarted)], job: .resynchronizing)
        } + [
            RowCase(
                name: "scheduled", start: .primaryVM(.critical), event: .resynchronize(startTime: noon),
                mode: .primary, state: .waitingToStartResynchronization, actions: [.scheduleAt(noon)],
                job: .resynchronizing),
            RowCase(
                name: "replica follows", start: .replicaVM(.critical), event: .peerResynchronizationStarted,
                mode: .recovery, state: .resynchronizing, actions: [], job: nil),
            RowCase(
                name: "primary done", start: .primaryVM(.resynchronizing), event: .resynchronizationCompleted(),
                mode: .primary, state: .replicating, actions: [.recordLastReplication(.regular)], job: nil),
            RowCase(
                name: "replica done", start: .replicaVM(.resynchronizing), event: .resynchronizationCompleted(),
                mode: .recovery, state: .replicating, actions: [.recordLastReplication(.regular)], job: nil),
        ]

    @Test("Row 9: Resynchronize", arguments: row9Cases)
    func row9(_ row: RowCase) throws { try row.check() }

    @Test(
        "Row 10: cancel a resynchronization",
        arguments: [
            RowCase(
                name: "primary RequestedState 9", start: .primaryVM(.resynchronizing),
                event: .requestReplicationStateChange(9), mode: .primary, state: .waitingToStartResynchronization,
                actions: [.cancelResynchronization], job: .stopResynchronizing),
            RowCase(
                name: "replica RequestedState 9", start: .replicaVM(.resynchronizing),
                event: .requestReplicationStateChange(9), mode: .recovery, state: .replicating,
                actions: [.cancelResynchronization], job: .stopResynchronizing),
            RowCase(
                name: "primary job cancelled", start: .primaryVM(.resynchronizing),
                event: .jobCancelled(.resynchronizing), mode: .primary, state: .waitingToStartResynchronization,
                actions: [.cancelResynchronization], job: nil),
        ])
    func row10(_ row: RowCase) throws { try row.check() }

    @Test(
        "Row 11: stop the initial replication",
        arguments: [
            RowCase(
                name: "IR running", start: .primaryVM(.waitingToCompleteInitialReplication, replicated: false),
                event: .requestReplicationStateChange(1), mode: .primary, state: .readyForReplication,
                actions: [.cancelInitialReplication], job: .stopInitialReplication),
            RowCase(
                name: "suspended", start: .primaryVM(.suspended), event: .requestReplicationStateChange(1),
                mode: .primary, state: .readyForReplication, actions: [.cancelInitialReplication],
                job: .stopInitialReplication),
            RowCase(
                name: "critical", start: .primaryVM(.critical), event: .requestReplicationStateChange(1),
                mode: .primary, state: .readyForReplication, actions: [.cancelInitialReplication],
                job: .stopInitialReplication),
            RowCase(
                name: "nothing replicated yet", start: .primaryVM(.readyForReplication, replicated: false),
                event: .requestReplicationStateChange(1), mode: .primary, state: .readyForReplication,
                actions: [.cancelInitialReplication], job: .stopInitialReplication),
            RowCase(
                name: "IR job cancelled", start: .primaryVM(.waitingToCompleteInitialReplication, replicated: false),
                event: .jobCancelled(.startInbandInitialReplication), mode: .primary, state: .readyForReplication,
                actions: [.cancelInitialReplication], job: nil),
        ])
    func row11(_ row: RowCase) throws { try row.check() }

    @Test("Row 11: stopping a scheduled initial replication drops the schedule")
    func row11Scheduled() throws {
        var machine = ReplicationStateMachine.primaryVM(.readyForReplication, replicated: false)
        try machine.handle(.startReplication(initialReplicationType: 3, startTime: noon))
        let stopped = try machine.handle(.requestReplicationStateChange(1))
        #expect(stopped.actions == [.cancelScheduledStart])
        #expect(machine.primary.scheduled == nil)
        #expect(throws: ReplicationRefusal.self) { try machine.handling(.scheduledStartReached()) }
    }

    @Test(
        "Row 12: RequestReplicationStateChange(4) prepares a planned failover",
        arguments: [
            RowCase(
                name: "VM off", start: .primaryVM(.replicating, enabledState: .disabled),
                event: .requestReplicationStateChange(4), mode: .primary, state: .syncedReplicationComplete,
                actions: [.shipPendingDeltas], job: .initiateSyncedReplication),
            RowCase(
                name: "extended relationship in 15",
                start: .replicaVM(.replicating, extended: .diskUpdateInProgress),
                event: .requestReplicationStateChange(4, relationship: .extended), side: .extended, mode: .recovery,
                state: .syncedReplicationComplete, actions: [.shipPendingDeltas], job: .initiateSyncedReplication),
            RowCase(
                name: "extended relationship in 16",
                start: .replicaVM(.replicating, extended: .diskUpdateCritical),
                event: .requestReplicationStateChange(4, relationship: .extended), side: .extended, mode: .recovery,
                state: .syncedReplicationComplete, actions: [.shipPendingDeltas], job: .initiateSyncedReplication),
        ])
    func row12(_ row: RowCase) throws { try row.check() }

    @Test("Row 12: the VM must be Off", arguments: EnabledState.allCases.filter { $0 != .disabled })
    func row12NeedsOff(_ enabledState: EnabledState) {
        let machine = ReplicationStateMachine.primaryVM(.replicating, enabledState: enabledState)
        #expect(refusal(machine, .requestReplicationStateChange(4)) == .invalidState)
    }

    @Test(
        "Row 13: RevertFailover on a prepared primary",
        arguments: [
            RowCase(
                name: "prepared", start: .primaryVM(.syncedReplicationComplete, enabledState: .disabled),
                event: .revertFailover, mode: .primary, state: .replicating, actions: [.cancelPreparedFailover],
                job: .cancelSyncedReplication)
        ])
    func row13(_ row: RowCase) throws { try row.check() }

    static let row14Cases: [RowCase] =
        [ReplicationState.replicating, .resynchronizing, .suspended, .diskUpdateInProgress].flatMap { state in
            RecoveryPointKind.allCases.map { point in
                RowCase(
                    name: "from \(state.rawValue) to a \(point) point", start: .replicaVM(state),
                    event: .initiateFailover(point), mode: .recovery, state: .failoverInProgress,
                    actions: [.startFailover(point)], job: .initiateFailover,
                    failedOver: point.failedOverReplicationType)
            }
        } + [
            RowCase(
                name: "failover disk ready", start: .replicaVM(.failoverInProgress, failedOver: .regular),
                event: .failoverCompleted, mode: .recovery, state: .recovered, actions: [], job: nil,
                failedOver: .regular),
            RowCase(
                name: "extended replica", start: .replicaVM(.replicating, mode: .extendedReplica),
                event: .initiateFailover(.standard), mode: .extendedReplica, state: .failoverInProgress,
                actions: [.startFailover(.standard)], job: .initiateFailover, failedOver: .regular),
        ]

    @Test("Row 14: InitiateFailover; FailedOverReplicationType follows the point", arguments: row14Cases)
    func row14(_ row: RowCase) throws { try row.check() }

    @Test("Row 14: refused with nothing replicated or the VM running")
    func row14Guards() {
        #expect(refusal(.replicaVM(.replicating, replicated: false), .initiateFailover(.standard)) == .invalidState)
        #expect(
            refusal(.replicaVM(.replicating, enabledState: .enabled), .initiateFailover(.standard)) == .invalidState)
    }

    @Test(
        "Row 15: RevertFailover on the replica",
        arguments: [
            RowCase(
                name: "failed over", start: .replicaVM(.recovered, failedOver: .regular), event: .revertFailover,
                mode: .recovery, state: .replicating, actions: [.discardFailoverDisk], job: .revertFailover,
                failedOver: FailedOverReplicationType.none),
            RowCase(
                name: "failover in progress", start: .replicaVM(.failoverInProgress, failedOver: .planned),
                event: .revertFailover, mode: .recovery, state: .replicating, actions: [.discardFailoverDisk],
                job: .revertFailover, failedOver: FailedOverReplicationType.none),
            RowCase(
                name: "failover job cancelled", start: .replicaVM(.failoverInProgress, failedOver: .planned),
                event: .jobCancelled(.initiateFailover), mode: .recovery, state: .replicating,
                actions: [.discardFailoverDisk], job: nil, failedOver: FailedOverReplicationType.none),
        ])
    func row15(_ row: RowCase) throws { try row.check() }

    @Test(
        "Row 16: CommitFailover",
        arguments: [
            RowCase(
                name: "replica", start: .replicaVM(.recovered, failedOver: .regular), event: .commitFailover,
                mode: .recovery, state: .committed, actions: [.flattenRecoveryPoints], job: .commitFailover),
            RowCase(
                name: "extended replica", start: .replicaVM(.recovered, mode: .extendedReplica, failedOver: .regular),
                event: .commitFailover, mode: .extendedReplica, state: .committed, actions: [.flattenRecoveryPoints],
                job: .commitFailover),
        ])
    func row16(_ row: RowCase) throws { try row.check() }

    @Test(
        "Row 17: ReverseReplicationRelationship",
        arguments: [
            RowCase(
                name: "straight after a planned failover", start: .replicaVM(.recovered, failedOver: .planned),
                event: .reverseReplicationRelationship, mode: .primary, state: .replicating,
                actions: [.reverseReplication, .notifyPeer(.reversed(planned: true))], job: .reverseReplication,
                failedOver: FailedOverReplicationType.none),
            RowCase(
                name: "after a committed planned failover", start: .replicaVM(.committed, failedOver: .planned),
                event: .reverseReplicationRelationship, mode: .primary, state: .replicating,
                actions: [.reverseReplication, .notifyPeer(.reversed(planned: true))], job: .reverseReplication),
            RowCase(
                name: "after an unplanned failover", start: .replicaVM(.committed, failedOver: .applicationConsistent),
                event: .reverseReplicationRelationship, mode: .primary, state: .readyForReplication,
                actions: [.reverseReplication, .notifyPeer(.reversed(planned: false))], job: .reverseReplication,
                failedOver: FailedOverReplicationType.none),
            RowCase(
                name: "old primary after planned",
                start: .primaryVM(.syncedReplicationComplete, enabledState: .disabled),
                event: .peerReversed(planned: true), mode: .recovery, state: .replicating, actions: [.becomeReplica],
                job: nil),
            RowCase(
                name: "old primary after unplanned", start: .primaryVM(.critical),
                event: .peerReversed(planned: false), mode: .recovery, state: .waitingToCompleteInitialReplication,
                actions: [.becomeReplica], job: nil),
        ])
    func row17(_ row: RowCase) throws { try row.check() }

    static let row18Cases: [RowCase] =
        [ReplicationState.replicating, .suspended].flatMap { state in
            RecoveryPointKind.allCases.map { point in
                RowCase(
                    name: "\(state.rawValue) from a \(point) point", start: .replicaVM(state),
                    event: .testReplicaSystem(point), mode: .recovery, state: state,
                    actions: [.createTestSystem(point)], job: .initiateTestReplica)
            }
        } + [
            RowCase(
                name: "destroy the test VM", start: ReplicationStateMachine(mode: .testReplica),
                event: .destroyTestReplicaSystem, mode: .none, state: .disabled, actions: [.destroyTestSystem],
                job: .removeTestReplica)
        ]

    @Test("Row 18: TestReplicaSystem leaves the replica state alone", arguments: row18Cases)
    func row18(_ row: RowCase) throws { try row.check() }

    static let row19Cases: [RowCase] =
        [ReplicationState.readyForReplication, .replicating, .critical, .syncedReplicationComplete].map { state in
            RowCase(
                name: "primary in \(state.rawValue)", start: .primaryVM(state),
                event: .removeReplicationRelationship(), mode: .none, state: .disabled,
                actions: [.removeRelationship], job: .removeReplicationRelationship)
        } + [
            RowCase(
                name: "replica", start: .replicaVM(.committed), event: .removeReplicationRelationship(),
                mode: .none, state: .disabled, actions: [.removeRelationship], job: .removeReplicationRelationship),
            RowCase(
                name: "extended replica", start: .replicaVM(.replicating, mode: .extendedReplica),
                event: .removeReplicationRelationship(), mode: .none, state: .disabled,
                actions: [.removeRelationship], job: .removeReplicationRelationship),
        ]

    @Test("Row 19: RemoveReplicationRelationship disables this side only", arguments: row19Cases)
    func row19(_ row: RowCase) throws { try row.check() }

    @Test("Row 19: removing \\HVR\\1 keeps \\HVR\\0; \\HVR\\0 cannot go while \\HVR\\1 exists")
    func row19Extended() throws {
        let machine = ReplicationStateMachine.replicaVM(.replicating, extended: .replicating)
        #expect(refusal(machine, .removeReplicationRelationship(.primary)) == .invalidState)
        let removed = try machine.handling(.removeReplicationRelationship(.extended))
        #expect(removed.next.extended == nil)
        #expect(removed.next.mode == .recovery)
        #expect(removed.next.primary.state == .replicating)
        #expect(removed.jobType == .removeReplicationRelationship)
    }

    @Test(
        "Row 20: on a replica, Create/StartReplication act on \\HVR\\1",
        arguments: [
            RowCase(
                name: "create", start: .replicaVM(.replicating), event: .createReplicationRelationship,
                side: .extended,
                mode: .recovery, state: .readyForReplication,
                actions: [.createRelationship, .createReplicaOnRecoveryHost],
                job: .createReplicationRelationship),
            RowCase(
                name: "start", start: .replicaVM(.replicating, extended: .readyForReplication),
                event: .startReplication(initialReplicationType: 1), side: .extended, mode: .recovery,
                state: .waitingToCompleteInitialReplication,
                actions: [.startInitialReplication(.networkTransfer, exportLocation: nil)],
                job: .startInbandInitialReplication),
            RowCase(
                name: "extended replica host", start: .plainVM(enabledState: .disabled),
                event: .peerCreatedReplica(mode: .extendedReplica), mode: .extendedReplica,
                state: .waitingToCompleteInitialReplication, actions: [.createRelationship], job: nil),
            RowCase(
                name: "extended resync", start: .replicaVM(.replicating, extended: .critical), event: .resynchronize(),
                side: .extended, mode: .recovery, state: .resynchronizing,
                actions: [.startResynchronization, .notifyPeer(.resynchronizationStarted)],
                job: .resynchronizingExtendedReplication),
        ])
    func row20(_ row: RowCase) throws { try row.check() }

    @Test("Row 21: ChangeReplicationModeToPrimary promotes \\HVR\\1")
    func row21() throws {
        let machine = ReplicationStateMachine.replicaVM(.committed, failedOver: .regular, extended: .replicating)
        let promoted = try machine.handling(.changeReplicationModeToPrimary)
        #expect(promoted.next.mode == .primary)
        #expect(promoted.next.primary.state == .replicating)
        #expect(promoted.next.extended == nil)
        #expect(promoted.actions == [.promoteExtendedRelationship])
        #expect(promoted.jobType == .changeReplicationModeToPrimary)
        #expect(
            refusal(.replicaVM(.recovered, extended: .replicating), .changeReplicationModeToPrimary) == .invalidState)
        #expect(refusal(.replicaVM(.committed), .changeReplicationModeToPrimary) == .invalidState)
    }

    @Test(
        "Row 22: InitiateFailback with a provider relationship",
        arguments: [
            RowCase(
                name: "committed", start: .replicaVM(.committed, external: true), event: .initiateFailback(),
                mode: .recovery, state: .failbackInProgress, actions: [.startFailback], job: .initiateFailback),
            RowCase(
                name: "recovered, from a point", start: .replicaVM(.recovered, external: true),
                event: .initiateFailback(.standard), mode: .recovery, state: .failbackInProgress,
                actions: [.startFailback], job: .initiateFailback),
            RowCase(
                name: "done", start: .replicaVM(.failbackInProgress, external: true), event: .failbackCompleted,
                mode: .recovery, state: .failbackComplete, actions: [], job: nil),
        ])
    func row22(_ row: RowCase) throws { try row.check() }

    @Test("Row 22: the built-in provider does not support failback")
    func row22BuiltIn() {
        #expect(refusal(.replicaVM(.committed), .initiateFailback()) == .notSupported)
    }
}

/// The return code an event is refused with, `nil` when it is accepted.
func refusal(_ machine: ReplicationStateMachine, _ event: ReplicationEvent) -> MsvmReturnCode? {
    do {
        _ = try machine.handling(event)
        return nil
    } catch {
        return error.returnCode
    }
}
