import CIM
import Foundation
import Providers

/// Makes `WMILab_Fault` instances bite: before a method runs, every fault of Kind 1 (method return code) or
/// Kind 2 (delay) whose targets match the call fires, in FaultID order. A Null target matches anything;
/// names compare case-insensitively. Each firing counts `TriggeredCount` up and `RemainingCount` down; a fault
/// whose `RemainingCount` reached 0 stays, spent, until it is deleted. Kinds 3 and 4 bite elsewhere:
/// `LabPeerLinkFaults` (peer links) and `LabDiskWriteFaults` (disk writes).
public struct LabFaultInjector: MethodInterceptor {
    static let faultClass = LabFaultList.faultClass
    enum Kind: UInt16 {
        case methodReturnCode = 1
        case delay = 2
    }

    private let store: InstanceStore
    /// Lab seconds per wall-clock second: a delay of N lab seconds takes N / timeScale seconds.
    private let timeScale: Double

    public init(store: InstanceStore, timeScale: Double) {
        self.store = store
        self.timeScale = timeScale
    }

    public func intercept(
        _ method: String, on target: CIMObjectPath, context: ProviderContext
    ) async throws -> MethodResult? {
        let faults = LabFaultList(store: store)
        let matching = faults.active(kinds: [Kind.methodReturnCode.rawValue, Kind.delay.rawValue]) {
            matches($0, method: method, target: target, namespace: context.namespace)
        }
        for fault in matching {
            try faults.recordFiring(of: fault)
            switch LabFaultList.kind(of: fault).flatMap(Kind.init(rawValue:)) {
            case .methodReturnCode:
                let code = fault["ReturnCode"]?.uint64Value.map { UInt32(truncatingIfNeeded: $0) } ?? 32768
                context.logger.notice("injected return code", metadata: ["method": "\(method)", "code": "\(code)"])
                return MethodResult(returnValue: .uint32(code))
            case .delay:
                let seconds = Double(fault["DelaySeconds"]?.uint64Value ?? 0) / timeScale
                try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
            case nil:
                continue
            }
        }
        return nil
    }

    private func matches(_ fault: CIMInstance, method: String, target: CIMObjectPath, namespace: CIMNamespace) -> Bool {
        // A delay aimed at a peer link slows replication traffic, not method calls.
        if let peer = fault["TargetPeer"]?.stringValue, !peer.isEmpty { return false }
        func same(_ property: String, _ actual: String) -> Bool {
            guard let wanted = fault[property]?.stringValue, !wanted.isEmpty else { return true }
            return wanted.caseInsensitiveCompare(actual) == .orderedSame
        }
        let targetNamespace = fault["TargetNamespace"]?.stringValue.flatMap { CIMNamespace($0) }
        return (targetNamespace == nil || targetNamespace == namespace)
            && same("TargetClass", target.className) && same("TargetMethod", method)
    }
}
