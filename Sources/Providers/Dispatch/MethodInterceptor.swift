import CIM

/// Consulted before every extrinsic method runs, after validation: the lab's fault injection answers here.
public protocol MethodInterceptor: Sendable {
    /// A result that replaces the call, or nil to let it run (after any delay the interceptor imposes).
    func intercept(_ method: String, on target: CIMObjectPath, context: ProviderContext) async throws -> MethodResult?
}
