import CIM
import Providers

/// The methods of `Msvm_ComputerSystem`: power (`RequestStateChange`), replication state
/// (`RequestReplicationStateChange(Ex)`) and `InjectNonMaskableInterrupt`. Instances come from the store.
public struct ComputerSystemProvider: MethodProvider {
    private let engine: ReplicationEngine

    public init(engine: ReplicationEngine) {
        self.engine = engine
    }

    public func invokeMethod(
        _ method: String, on target: CIMObjectPath, inParameters: [String: CIMValue?], context: ProviderContext
    ) async throws -> MethodResult {
        let requested = (inParameters["RequestedState"] ?? nil)?.int64Value.map { UInt16(clamping: $0) }
        switch method.lowercased() {
        case "requeststatechange":
            return try await engine.requestStateChange(target, requested: requested)
        case "requestreplicationstatechange":
            return try await engine.requestReplicationStateChange(target, requestedState: requested, relationship: nil)
        case "requestreplicationstatechangeex":
            var relationship: CIMInstance?
            if case .instance(let value)? = inParameters["ReplicationRelationship"] ?? nil { relationship = value }
            return try await engine.requestReplicationStateChange(
                target, requestedState: requested, relationship: relationship)
        case "injectnonmaskableinterrupt":
            return try await engine.injectNonMaskableInterrupt(target)
        default:
            throw CIMStatus.notSupported("Msvm_ComputerSystem.\(method) is not supported")
        }
    }
}
