import CIM
import Providers

/// The methods of `Msvm_VirtualSystemManagementService`. `DestroySystem` removes a VM (``ReplicationEngine``);
/// the lab's VMs are defined by its MOF, not over WMI, so the methods that define or reconfigure one answer
/// 32770 (Not Supported), the code Hyper-V's methods use for it.
public struct VirtualSystemManagementServiceProvider: MethodProvider {
    private let engine: ReplicationEngine

    public init(engine: ReplicationEngine) {
        self.engine = engine
    }

    public func invokeMethod(
        _ method: String, on target: CIMObjectPath, inParameters: [String: CIMValue?], context: ProviderContext
    ) async throws -> MethodResult {
        switch method.lowercased() {
        case "destroysystem":
            guard case .reference(let system)? = inParameters["AffectedSystem"] ?? nil else {
                return ReplicationEngine.result(.invalidParameter)
            }
            return try await engine.destroySystem(system)
        default:
            return ReplicationEngine.result(.notSupported)
        }
    }
}
