import CIM
import Providers
import Testing

@Suite("Provider registry")
struct ProviderRegistryTests {
    private struct Named: MethodProvider {
        var name: String
        func invokeMethod(
            _ method: String, on target: CIMObjectPath, inParameters: [String: CIMValue?], context: ProviderContext
        ) async throws -> MethodResult {
            MethodResult(returnValue: .string(name))
        }
    }

    private let namespace = CIMNamespace.virtualizationV2

    private func schema() -> SchemaRepository {
        var builder = SchemaRepository.Builder()
        builder.addNamespace(namespace)
        _ = builder.addClass(CIMClass(name: "CIM_Job"), in: namespace)
        _ = builder.addClass(CIMClass(name: "CIM_ConcreteJob", superclassName: "CIM_Job"), in: namespace)
        _ = builder.addClass(CIMClass(name: "Msvm_ConcreteJob", superclassName: "CIM_ConcreteJob"), in: namespace)
        _ = builder.addClass(CIMClass(name: "Msvm_StorageJob", superclassName: "Msvm_ConcreteJob"), in: namespace)
        return builder.build().repository
    }

    private func name(_ provider: (any MethodProvider)?) -> String? {
        (provider as? Named)?.name
    }

    @Test("Lookup falls back along the superclass chain; the nearest registration wins")
    func inheritanceFallback() {
        let schema = schema()
        var registry = ProviderRegistry()
        registry.register(Named(name: "jobs"), forClass: "cim_concretejob", in: namespace)
        registry.register(Named(name: "storage"), forClass: "Msvm_StorageJob", in: namespace)
        #expect(name(registry.methodProvider(for: "Msvm_ConcreteJob", in: namespace, schema: schema)) == "jobs")
        #expect(name(registry.methodProvider(for: "MSVM_STORAGEJOB", in: namespace, schema: schema)) == "storage")
        #expect(name(registry.methodProvider(for: "CIM_ConcreteJob", in: namespace, schema: schema)) == "jobs")
        #expect(registry.methodProvider(for: "CIM_Job", in: namespace, schema: schema) == nil)
        #expect(registry.methodProvider(for: "Msvm_ConcreteJob", in: .rootCIMV2, schema: schema) == nil)
        #expect(registry.instanceProvider(for: "Msvm_ConcreteJob", in: namespace, schema: schema) == nil)
    }
}
