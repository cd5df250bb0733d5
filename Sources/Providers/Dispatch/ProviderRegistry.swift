import CIM

/// Which provider serves which class. Lookup walks the class's superclass chain, so a provider registered for
/// `CIM_ConcreteJob` also serves `Msvm_ConcreteJob` unless that class has one of its own.
public struct ProviderRegistry: Sendable {
    private struct Registration: Sendable {
        var className: String
        var provider: any CIMProvider
    }

    private var registrations: [CIMNamespace: [String: [Registration]]] = [:]

    public init() {}

    /// Registers `provider` for `className` in `namespace`; a later registration of the same role for the same class
    /// wins.
    public mutating func register(_ provider: any CIMProvider, forClass className: String, in namespace: CIMNamespace)
    {
        registrations[namespace, default: [:]][className.lowercased(), default: []]
            .insert(Registration(className: className, provider: provider), at: 0)
    }

    /// The instance provider for `className`, looking up the inheritance chain; nil when none is registered.
    public func instanceProvider(for className: String, in namespace: CIMNamespace, schema: SchemaRepository)
        -> (any InstanceProvider)?
    {
        lookup(className, namespace, schema) { $0 as? any InstanceProvider }
    }

    /// The method provider for `className`, looking up the inheritance chain.
    public func methodProvider(for className: String, in namespace: CIMNamespace, schema: SchemaRepository)
        -> (any MethodProvider)?
    {
        lookup(className, namespace, schema) { $0 as? any MethodProvider }
    }

    /// The association provider for the association class `className`, looking up the inheritance chain.
    public func associationProvider(for className: String, in namespace: CIMNamespace, schema: SchemaRepository)
        -> (any AssociationProvider)?
    {
        lookup(className, namespace, schema) { $0 as? any AssociationProvider }
    }

    private func lookup<Role>(
        _ className: String, _ namespace: CIMNamespace, _ schema: SchemaRepository,
        as role: (any CIMProvider) -> Role?
    ) -> Role? {
        guard let byClass = registrations[namespace] else { return nil }
        var chain = schema.superclassChain(of: className, in: namespace)
        if chain.first?.lowercased() != className.lowercased() { chain.insert(className, at: 0) }
        for name in chain {
            for registration in byClass[name.lowercased()] ?? [] {
                if let provider = role(registration.provider) { return provider }
            }
        }
        return nil
    }
}
