import CIM
import Providers

/// The host's `WMILab_Fault` instances as the injectors read them: fresh on every call (clients create and delete
/// faults over WS-Man at any time), live ones only (a spent fault, `RemainingCount` 0, stays until it is deleted),
/// in FaultID order; and the bookkeeping of a firing (`TriggeredCount` up, `RemainingCount` down).
struct LabFaultList: Sendable {
    static let faultClass = "WMILab_Fault"

    let store: InstanceStore

    /// The live faults of the given kinds for which `matches` holds, in FaultID order.
    func active(kinds: Set<UInt16>, where matches: (CIMInstance) -> Bool = { _ in true }) -> [CIMInstance] {
        store.instances(of: Self.faultClass, in: LabDiskCatalog.namespace)
            .filter { fault in
                guard let kind = Self.kind(of: fault), kinds.contains(kind) else { return false }
                if case .uint32(0)? = fault["RemainingCount"] { return false }
                return matches(fault)
            }
            .sorted { ($0["FaultID"]?.stringValue ?? "") < ($1["FaultID"]?.stringValue ?? "") }
    }

    static func kind(of fault: CIMInstance) -> UInt16? {
        fault["Kind"]?.int64Value.flatMap { UInt16(exactly: $0) }
    }

    /// Counts one firing of `fault`.
    func recordFiring(of fault: CIMInstance) throws {
        var changes = CIMInstance(className: Self.faultClass)
        let triggered = fault["TriggeredCount"]?.int64Value ?? 0
        changes["TriggeredCount"] = .uint32(UInt32(clamping: triggered + 1))
        if case .uint32(let remaining)? = fault["RemainingCount"] {
            changes["RemainingCount"] = .uint32(remaining - 1)
        }
        try store.update(changes, at: fault.path(keyNames: ["FaultID"], namespace: LabDiskCatalog.namespace),
                         in: LabDiskCatalog.namespace)
    }
}
