import CIM
import PeerTransport
import Providers

/// Makes `WMILab_Fault` instances bite on replication traffic: `PeerClient`'s link check. Before every request to a
/// peer, the faults whose `TargetPeer` names that peer fire in FaultID order: Kind 3 (dropped peer link) fails the
/// request as unreachable, Kind 2 (delay) holds it for `DelaySeconds` of lab time. A Kind 3 fault without
/// `TargetPeer` cuts every peer; a Kind 2 fault without one is a method delay (`LabFaultInjector`). Firings are
/// counted as the injector counts them (`TriggeredCount` up, `RemainingCount` down; a spent fault stays until it is
/// deleted). Faults are read on every call: they come and go over WS-Man at any time.
public struct LabPeerLinkFaults: Sendable {
    private enum Kind: UInt16 {
        case delay = 2
        case droppedLink = 3
    }

    private let store: InstanceStore
    /// Lab seconds per wall-clock second: a delay of N lab seconds takes N / timeScale seconds.
    private let timeScale: Double

    /// Creates the link check over the faults in `store`.
    public init(store: InstanceStore, timeScale: Double) {
        self.store = store
        self.timeScale = timeScale > 0 ? timeScale : 1
    }

    /// The check to give `PeerClient(linkCheck:)`.
    public var linkCheck: @Sendable (String) async throws -> Void {
        { [self] peer in try await check(peer: peer) }
    }

    /// Fires the faults on the link to `peer`: throws `PeerError.unreachable` for a dropped link, sleeps for a delay.
    public func check(peer: String) async throws {
        let faults = LabFaultList(store: store)
        let matching = faults.active(kinds: [Kind.delay.rawValue, Kind.droppedLink.rawValue]) {
            guard let target = $0["TargetPeer"]?.stringValue, !target.isEmpty else {
                return LabFaultList.kind(of: $0) == Kind.droppedLink.rawValue
            }
            return PeerDirectory.namesMatch(target, peer)
        }
        for fault in matching {
            try faults.recordFiring(of: fault)
            switch LabFaultList.kind(of: fault).flatMap(Kind.init(rawValue:)) {
            case .droppedLink:
                let id = fault["FaultID"]?.stringValue ?? "?"
                throw PeerError.unreachable(host: peer, "the link is cut by WMILab_Fault \(id)")
            case .delay:
                let seconds = Double(fault["DelaySeconds"]?.uint64Value ?? 0) / timeScale
                try await Task.sleep(nanoseconds: UInt64(min(seconds, 86_400) * 1e9))
            case nil:
                continue
            }
        }
    }
}
