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
        let faults = LabFaultList(store: store)
        let matching = faults.active(kinds: [Self.kind]) {
            $0["TargetDisk"]?.stringValue?.caseInsensitiveCompare(deviceID) == .orderedSame
        }
        guard let fault = matching.first else { return }
        try faults.recordFiring(of: fault)
        let id = fault["FaultID"]?.stringValue ?? "?"
        throw CIMStatus.failed("I/O error writing \(deviceID) (injected by WMILab_Fault \(id))")
    }
}
