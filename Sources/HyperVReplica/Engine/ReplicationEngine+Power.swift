import CIM
import Providers

/// `Msvm_ComputerSystem.RequestStateChange`: the lab's VMs change power state at once (0, no job).
extension ReplicationEngine {
    public func requestStateChange(_ vmPath: CIMObjectPath, requested: UInt16?) throws -> MethodResult {
        guard let vm = inventory.virtualMachine(at: vmPath), let name = vm["Name"]?.stringValue, let requested
        else { return Self.result(.invalidParameter) }
        let target: EnabledState
        switch requested {
        case 2, 10, 11, 32777: target = .enabled  // start, reboot, reset, resume
        case 3, 4: target = .disabled  // turn off, shut down
        case 6, 32773, 32779, 32780: target = .enabledButOffline  // save
        case 9, 32776: target = .quiesce  // pause
        default: return Self.result(.invalidParameter)
        }
        // A replica cannot run until it has failed over (test replicas run freely), as on Windows.
        if target != .disabled, let record = record(name), record.machine.mode == .recovery
            || record.machine.mode == .extendedReplica,
            ![.recovered, .committed].contains(record.machine.primary.state)
        {
            return Self.result(.invalidState)
        }
        let current = inventory.enabledState(of: name)
        if [.enabledButOffline, .quiesce].contains(target), current != .enabled { return Self.result(.invalidState) }
        try inventory.setEnabledState(target, of: name, now: clock.now())
        if var record = record(name) {
            record.machine.enabledState = target
            records[name.lowercased()] = record
        }
        return Self.result(.completed)
    }

    public func injectNonMaskableInterrupt(_ vmPath: CIMObjectPath) -> MethodResult {
        guard let vm = inventory.virtualMachine(at: vmPath), let name = vm["Name"]?.stringValue else {
            return Self.result(.invalidParameter)
        }
        return Self.result(inventory.enabledState(of: name) == .enabled ? .completed : .invalidState)
    }
}
