import HyperVReplica
import Testing

/// One point of the (mode, ReplicationState, EnabledState, LastReplicationTime, \HVR\1) space.
struct Combination: Sendable {
    var mode: ReplicationMode
    var state: ReplicationState
    var enabled: EnabledState
    var replicated: Bool
    var extendedState: ReplicationState?

    var machine: ReplicationStateMachine {
        ReplicationStateMachine(
            mode: mode,
            enabledState: enabled,
            usesExternalReplicationProvider: true,
            primary: ReplicationRelationshipStatus(state: state, hasLastReplicationTime: replicated),
            extended: extendedState.map {
                ReplicationRelationshipStatus(state: $0, hasLastReplicationTime: replicated)
            }
        )
    }

    var off: Bool { enabled == .disabled }
    var receiving: Bool { (mode == .recovery || mode == .extendedReplica) && state.rawValue != 0 }
    var sendingPrimary: Bool { mode == .primary && state.rawValue != 0 }
    var sendingExtended: Bool { mode == .recovery && (extendedState?.rawValue ?? 0) != 0 }
    var x: UInt16? { extendedState?.rawValue }
    var s: UInt16 { state.rawValue }

    /// Every mode × state × EnabledState × replicated, without \HVR\1; plus, for mode 2, every \HVR\1 state.
    static let all: [Combination] = {
        var result: [Combination] = []
        for mode in ReplicationMode.allCases {
            for state in ReplicationState.allCases {
                for enabled in EnabledState.allCases {
                    for replicated in [false, true] {
                        result.append(Combination(mode: mode, state: state, enabled: enabled, replicated: replicated))
                        guard mode == .recovery else { continue }
                        for extendedState in ReplicationState.allCases {
                            result.append(
                                Combination(
                                    mode: mode, state: state, enabled: enabled, replicated: replicated,
                                    extendedState: extendedState))
                        }
                    }
                }
            }
        }
        return result
    }()
}

/// A guard written from the A.15 table independently of the implementation.
struct Guard: CustomTestStringConvertible, Sendable {
    var name: String
    var event: ReplicationEvent
    /// Whether the event names \HVR\1 explicitly (a method parameter): refused with 32773 when it is missing.
    var namesExtended = false
    var allows: @Sendable (Combination) -> Bool

    var testDescription: String { name }
}

private func role(_ c: Combination, _ extended: Bool) -> Bool {
    extended ? c.sendingExtended : (c.sendingPrimary || c.receiving)
}
private func stateOf(_ c: Combination, _ extended: Bool) -> UInt16 { extended ? (c.x ?? 0) : c.s }

let guards: [Guard] = {
    var g: [Guard] = [
        Guard(name: "CreateReplicationRelationship", event: .createReplicationRelationship) { c in
            (c.mode == .none && c.s == 0) || (c.mode == .recovery && c.s == 3 && c.extendedState == nil)
        },
        Guard(name: "ModifyReplicationSettings", event: .modifyReplicationSettings) { c in
            c.sendingPrimary || c.sendingExtended
        },
        Guard(name: "ImportInitialReplica", event: .importInitialReplica(location: "/ir")) { c in
            (c.mode == .recovery || c.mode == .extendedReplica) && c.s == 2
        },
        Guard(name: "RRSC 2", event: .requestReplicationStateChange(2)) { c in c.mode == .none && c.s == 0 },
        Guard(name: "Resynchronize", event: .resynchronize()) { c in
            let resync: Set<UInt16> = [7, 8, 9, 11, 16]
            return (c.sendingPrimary && resync.contains(c.s)) || (c.sendingExtended && resync.contains(c.x ?? 0))
        },
        Guard(name: "InitiateFailover", event: .initiateFailover(.standard)) { c in
            c.receiving && c.off && [3, 7, 10, 15].contains(c.s) && c.replicated
        },
        Guard(name: "RevertFailover", event: .revertFailover) { c in
            (c.mode == .primary && c.s == 4) || (c.receiving && c.off && [5, 12].contains(c.s))
        },
        Guard(name: "CommitFailover", event: .commitFailover) { c in c.receiving && c.s == 5 },
        Guard(name: "ReverseReplicationRelationship", event: .reverseReplicationRelationship) { c in
            c.mode == .recovery && c.extendedState == nil && [5, 6].contains(c.s)
        },
        Guard(name: "TestReplicaSystem", event: .testReplicaSystem(.standard)) { c in
            c.receiving && c.off && [3, 7].contains(c.s) && c.replicated
        },
        Guard(name: "DestroySystem (test VM)", event: .destroyTestReplicaSystem) { c in c.mode == .testReplica },
        Guard(name: "ChangeReplicationModeToPrimary", event: .changeReplicationModeToPrimary) { c in
            c.mode == .recovery && c.s == 6 && c.sendingExtended
        },
        Guard(name: "InitiateFailback", event: .initiateFailback()) { c in c.receiving && [5, 6].contains(c.s) },
        Guard(name: "peer created replica", event: .peerCreatedReplica(mode: .recovery)) { c in
            c.mode == .none && c.s == 0
        },
        Guard(name: "peer resync started", event: .peerResynchronizationStarted) { c in
            c.receiving && [3, 7, 8, 9, 11, 16].contains(c.s)
        },
        Guard(name: "failover completed", event: .failoverCompleted) { c in c.receiving && c.s == 12 },
        Guard(name: "failback completed", event: .failbackCompleted) { c in c.receiving && c.s == 13 },
        Guard(name: "failover job cancelled", event: .jobCancelled(.initiateFailover)) { c in
            c.receiving && c.s == 12
        },
        Guard(name: "commit job cancelled", event: .jobCancelled(.commitFailover)) { _ in false },
        Guard(name: "peer reversed planned", event: .peerReversed(planned: true)) { c in
            c.mode == .primary && c.s == 4
        },
        Guard(name: "peer reversed unplanned", event: .peerReversed(planned: false)) { c in c.sendingPrimary },
    ]
    for type: UInt16 in [1, 2, 3] {
        g.append(
            Guard(
                name: "StartReplication \(type)",
                event: .startReplication(
                    initialReplicationType: type,
                    exportLocation: "/exports")
            ) { c in
                (c.mode == .primary && c.s == 1) || (c.mode == .recovery && c.x == 1)
            })
    }
    for extended in [false, true] {
        let side: ReplicationRelationshipSide = extended ? .extended : .primary
        let suffix = extended ? " \\HVR\\1" : ""
        let sending: @Sendable (Combination) -> Bool = { c in extended ? c.sendingExtended : c.sendingPrimary }
        g += [
            Guard(
                name: "RRSC 1\(suffix)", event: .requestReplicationStateChange(1, relationship: side),
                namesExtended: extended
            ) { c in
                sending(c) && ([2, 7, 8].contains(stateOf(c, extended)) || !c.replicated)
            },
            Guard(
                name: "RRSC 3\(suffix)", event: .requestReplicationStateChange(3, relationship: side),
                namesExtended: extended
            ) { c in
                role(c, extended) && [7, 8, 9, 11, 16].contains(stateOf(c, extended))
            },
            Guard(
                name: "RRSC 4\(suffix)", event: .requestReplicationStateChange(4, relationship: side),
                namesExtended: extended
            ) { c in
                sending(c) && c.off && (extended ? [3, 15, 16] : [3]).contains(stateOf(c, extended))
            },
            Guard(
                name: "RRSC 7\(suffix)", event: .requestReplicationStateChange(7, relationship: side),
                namesExtended: extended
            ) { c in
                role(c, extended) && [2, 3, 10].contains(stateOf(c, extended))
            },
            Guard(
                name: "RRSC 9\(suffix)", event: .requestReplicationStateChange(9, relationship: side),
                namesExtended: extended
            ) { c in
                role(c, extended) && stateOf(c, extended) == 10
            },
            Guard(name: "Remove\(suffix)", event: .removeReplicationRelationship(side), namesExtended: extended) { c in
                extended ? c.sendingExtended : (c.sendingPrimary || c.receiving) && c.extendedState == nil
            },
            Guard(
                name: "ResetStatistics\(suffix)", event: .resetReplicationStatistics(side),
                namesExtended: extended
            ) { c in
                role(c, extended)
            },
            Guard(name: "scheduled start\(suffix)", event: .scheduledStartReached(side)) { _ in false },
            Guard(name: "IR completed\(suffix)", event: .initialReplicationCompleted(side)) { c in
                role(c, extended) && stateOf(c, extended) == 2
            },
            Guard(name: "delta completed\(suffix)", event: .deltaCompleted(.regular, side)) { c in
                role(c, extended) && [3, 4].contains(stateOf(c, extended))
            },
            Guard(name: "cycle missed\(suffix)", event: .cycleMissed(side)) { c in
                role(c, extended) && stateOf(c, extended) == 3
            },
            Guard(name: "replication failed\(suffix)", event: .replicationFailed(side)) { c in
                role(c, extended) && [2, 3, 4, 10].contains(stateOf(c, extended))
            },
            Guard(name: "link restored\(suffix)", event: .linkRestored(side)) { c in
                role(c, extended) && stateOf(c, extended) == 8 && c.replicated
            },
            Guard(name: "resync completed\(suffix)", event: .resynchronizationCompleted(side)) { c in
                role(c, extended) && stateOf(c, extended) == 10
            },
            Guard(name: "disk update completed\(suffix)", event: .diskUpdateCompleted(succeeded: true, side)) { c in
                role(c, extended) && stateOf(c, extended) == 15
            },
            Guard(name: "IR job cancelled\(suffix)", event: .jobCancelled(.startInbandInitialReplication, side)) { c in
                sending(c) && stateOf(c, extended) == 2
            },
            Guard(name: "resync job cancelled\(suffix)", event: .jobCancelled(.resynchronizing, side)) { c in
                role(c, extended) && stateOf(c, extended) == 10
            },
        ]
    }
    return g
}()

/// For every event, every combination inside its guard is accepted and every one outside is refused with
/// 32775 (32773 when the event names a \HVR\1 the VM does not have).
@Suite struct GuardTableTests {
    @Test("guard and its complement", arguments: guards)
    func guardTable(_ rule: Guard) {
        var accepted = 0
        for c in Combination.all {
            let code = refusal(c.machine, rule.event)
            if rule.namesExtended, c.extendedState == nil {
                #expect(code == .invalidParameter, "\(rule.name) \(c)")
            } else if rule.allows(c) {
                accepted += 1
                #expect(code == nil, "\(rule.name) should be accepted in \(c)")
            } else {
                #expect(code == .invalidState, "\(rule.name) should answer 32775 in \(c)")
            }
        }
        let mustAccept = !["scheduled start", "commit job cancelled"].contains { rule.name.hasPrefix($0) }
        #expect(accepted > 0 || !mustAccept, "\(rule.name) was never accepted")
    }
}
