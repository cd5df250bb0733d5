import CIM
import Providers

/// `WMILab_Fault` Kind 4: writes to the disk named by `TargetDisk` (a `WMILab_VirtualDisk.DeviceID`) fail with
/// an I/O error — lab disk writes (`WriteData`) and replicas applied to it alike. Faults are read on every
/// write, since clients create and delete them at any time; firings are counted as for the other kinds.
public struct LabDiskWriteFaults: Sendable {
    static let kind: UInt16 = 4

    private let store: InstanceStore

    public init(store: InstanceStore) {
        self.store = store
    }

    /// Throws `CIMStatus.failed` naming the fault when a Kind 4 fault matches `deviceID`.
    public func checkWrite(to deviceID: String) throws {
        let namespace = LabDiskCatalog.namespace
        for fault in store.instances(of: "WMILab_Fault", in: namespace) {
            guard fault["Kind"]?.int64Value == Int64(Self.kind),
                fault["TargetDisk"]?.stringValue?.caseInsensitiveCompare(deviceID) == .orderedSame
            else { continue }
            if case .uint32(0)? = fault["RemainingCount"] { continue }
            var changes = CIMInstance(className: "WMILab_Fault")
            changes["TriggeredCount"] = .uint32(UInt32(clamping: (fault["TriggeredCount"]?.int64Value ?? 0) + 1))
            if case .uint32(let remaining)? = fault["RemainingCount"] { changes["RemainingCount"] = .uint32(remaining - 1) }
            try store.update(changes, at: fault.path(keyNames: ["FaultID"], namespace: namespace), in: namespace)
            let id = fault["FaultID"]?.stringValue ?? "?"
            throw CIMStatus.failed("I/O error writing \(deviceID) (injected by WMILab_Fault \(id))")
        }
    }
}
