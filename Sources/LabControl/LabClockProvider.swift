import CIM
import Foundation
import Providers

/// `WMILab_Clock` (root/wmilab), the singleton `WMILab_Clock=@`: the host's lab time and its scale, and
/// `Advance(Seconds)`, which moves lab time forward so every schedule due in that interval runs (replication
/// cycles, scheduled starts, job removal).
public struct LabClockProvider: InstanceProvider, MethodProvider {
    static let className = "WMILab_Clock"

    private let clock: ScaledLabClock

    public init(clock: ScaledLabClock) {
        self.clock = clock
    }

    public func getInstance(_ path: CIMObjectPath, context: ProviderContext) async throws -> CIMInstance {
        current
    }

    public func enumerateInstances(of className: String, context: ProviderContext) async throws -> [CIMInstance] {
        className.caseInsensitiveCompare(Self.className) == .orderedSame ? [current] : []
    }

    private var current: CIMInstance {
        var instance = CIMInstance(className: Self.className)
        instance["CurrentTime"] = .datetime(CIMDateTime(date: clock.now()))
        instance["TimeScale"] = .real64(clock.timeScale)
        return instance
    }

    public func invokeMethod(
        _ method: String, on target: CIMObjectPath, inParameters: [String: CIMValue?], context: ProviderContext
    ) async throws -> MethodResult {
        guard method.caseInsensitiveCompare("Advance") == .orderedSame else {
            throw CIMStatus.notSupported("WMILab_Clock has no method \(method)")
        }
        guard case .uint32(let seconds)? = inParameters["Seconds"] ?? nil else {
            return MethodResult(returnValue: .uint32(5))
        }
        clock.advance(seconds: Double(seconds))
        context.logger.info("lab clock advanced", metadata: ["seconds": "\(seconds)"])
        return MethodResult(returnValue: .uint32(0))
    }
}
