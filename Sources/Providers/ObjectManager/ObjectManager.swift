import CIM
import Logging

/// The CIMOM: resolves classes in the schema, validates, dispatches to providers, evaluates WQL and associations.
///
/// Every path and instance a provider receives from here has been checked against the schema: class and property
/// names carry the schema's spelling, key values the key's declared type. Classes without a registered
/// `InstanceProvider` (looked up along the superclass chain) are served by the `InstanceStore`.
public final class ObjectManager: Sendable {
    /// The compiled schema every request is checked against.
    public let schema: SchemaRepository
    let registry: ProviderRegistry
    let store: InstanceStore
    let logger: Logger
    let interceptor: (any MethodInterceptor)?
    private let instanceProviders = InstanceProviderCache()

    public init(
        schema: SchemaRepository, registry: ProviderRegistry, store: InstanceStore, logger: Logger,
        interceptor: (any MethodInterceptor)? = nil
    ) {
        self.schema = schema
        self.registry = registry
        self.store = store
        self.logger = logger
        self.interceptor = interceptor
    }

    // MARK: Instances

    /// The instance at `path` (`path.namespace` set; a path without one means `root/cimv2`).
    ///
    /// Throws `CIMStatus.invalidNamespace`, `.invalidClass`, `.notSingleton` (keys left out for a keyed class),
    /// `.invalidObjectPath` (a key missing, unknown or not of its type) or `.notFound`.
    public func getInstance(_ path: CIMObjectPath, userName: String?) async throws -> CIMInstance {
        try await getInstance(at: resolve(path), userName: userName)
    }

    /// The instance at a path resolved earlier (`resolve(_:)`); throws `CIMStatus.notFound` when there is none.
    public func getInstance(at resolved: ResolvedInstancePath, userName: String?) async throws -> CIMInstance {
        try await instanceProvider(for: resolved.path.className, in: resolved.namespace)
            .getInstance(resolved.path, context: context(resolved.namespace, userName))
    }

    /// The instance at `resolved` when its provider answers without suspending (an `ImmediateInstanceProvider`,
    /// such as the store), else nil: the caller then asks `getInstance(at:userName:)`.
    public func immediateInstance(at resolved: ResolvedInstancePath, userName: String?) throws -> CIMInstance? {
        guard let immediate = instanceProviderEntry(for: resolved.path.className, in: resolved.namespace).immediate
        else { return nil }
        return try immediate.instance(at: resolved, context: context(resolved.namespace, userName))
    }

    /// Deep: instances of the class and all subclasses, each from its own provider (registry lookup, else the store).
    public func enumerateInstances(
        of className: String, in namespace: CIMNamespace, userName: String?
    ) async throws -> [CIMInstance] {
        let cls = try resolveClass(className, in: namespace)
        let context = context(namespace, userName)
        var result: [CIMInstance] = []
        for name in [cls.name] + schema.subclasses(of: cls.name, in: namespace, deep: true) {
            let provider = instanceProvider(for: name, in: namespace)
            result += try await provider.enumerateInstances(of: name, context: context)
        }
        return result
    }

    /// Creates `instance` in `namespace` and returns its path (namespace set).
    ///
    /// Property names take the schema's spelling and text values the declared types; a property the class does not
    /// declare is `CIMStatus.invalidProperty`, keys already taken `CIMStatus.alreadyExists`.
    public func createInstance(
        _ instance: CIMInstance, in namespace: CIMNamespace, userName: String?
    ) async throws -> CIMObjectPath {
        let cls = try resolveClass(instance.className, in: namespace)
        if cls.isAbstract {
            throw CIMStatus.invalidObject("Class \(cls.name) is abstract: it has no instances of its own")
        }
        var normalised = CIMInstance(className: cls.name)
        for property in instance.properties {
            normalised.setProperty(try normalisedProperty(property, of: cls))
        }
        logger.debug("CreateInstance", metadata: ["class": "\(cls.name)", "namespace": "\(namespace)"])
        var path = try await instanceProvider(for: cls.name, in: namespace)
            .createInstance(normalised, context: context(namespace, userName))
        if path.namespace == nil { path.namespace = namespace }
        return path
    }

    /// WS-Man Put: `instance` carries only the properties the client sent; they are merged over the current
    /// instance and the whole is handed to the provider. Keys may be present but must equal the path's (else
    /// `CIMStatus.invalidParameter` naming the key); an unknown property is `CIMStatus.invalidProperty`.
    public func modifyInstance(
        _ instance: CIMInstance, at path: CIMObjectPath, userName: String?
    ) async throws -> CIMInstance {
        let (normalised, namespace) = try normalisedInstancePath(path)
        let cls = try resolveClass(normalised.className, in: namespace)
        let context = context(namespace, userName)
        let provider = instanceProvider(for: cls.name, in: namespace)
        var merged = try await provider.getInstance(normalised, context: context)
        for property in instance.properties {
            let typed = try normalisedProperty(property, of: cls)
            if let declared = cls.property(named: typed.name), declared.isKey {
                guard let given = typed.value, let bound = normalised[key: declared.name],
                    Self.sameKeyValue(given, bound)
                else {
                    throw CIMStatus.invalidParameter(
                        declared.name, "Key property \(declared.name) cannot be changed by Put")
                }
                continue
            }
            merged.setProperty(typed)
        }
        logger.debug("ModifyInstance", metadata: ["path": "\(normalised)"])
        return try await provider.modifyInstance(merged, at: normalised, context: context)
    }

    /// Deletes the instance at `path`.
    public func deleteInstance(_ path: CIMObjectPath, userName: String?) async throws {
        let (normalised, namespace) = try normalisedInstancePath(path)
        logger.debug("DeleteInstance", metadata: ["path": "\(normalised)"])
        try await instanceProvider(for: normalised.className, in: namespace)
            .deleteInstance(normalised, context: context(namespace, userName))
    }

    /// The path of an instance (its keys per the schema), namespace set.
    public func path(of instance: CIMInstance, in namespace: CIMNamespace) -> CIMObjectPath {
        var path = schema.path(of: instance, in: namespace)
        path.namespace = namespace
        return path
    }

    // MARK: Shared plumbing

    func context(_ namespace: CIMNamespace, _ userName: String?) -> ProviderContext {
        ProviderContext(namespace: namespace, schema: schema, userName: userName, logger: logger)
    }

    func instanceProvider(for className: String, in namespace: CIMNamespace) -> any InstanceProvider {
        instanceProviderEntry(for: className, in: namespace).provider
    }

    private func instanceProviderEntry(
        for className: String, in namespace: CIMNamespace
    ) -> InstanceProviderCache.Entry {
        instanceProviders.provider(for: className, in: namespace) {
            registry.instanceProvider(for: className, in: namespace, schema: schema) ?? store
        }
    }

    /// The class `name` of `namespace`, or `invalidNamespace` / `invalidClass`.
    func resolveClass(_ name: String, in namespace: CIMNamespace) throws -> CIMClass {
        guard schema.namespaces.contains(namespace) else {
            throw CIMStatus.invalidNamespace(namespace.name)
        }
        guard let cls = schema.class(named: name, in: namespace) else {
            throw CIMStatus.invalidClass(name)
        }
        return cls
    }

    /// `property` with the schema's spelling and its value converted to the declared type.
    func normalisedProperty(_ property: CIMInstance.Property, of cls: CIMClass) throws -> CIMInstance.Property {
        guard let declared = cls.property(named: property.name) else {
            throw CIMStatus.invalidProperty(
                property.name, "Class \(cls.name) has no property \(property.name)")
        }
        guard let value = property.value else {
            return CIMInstance.Property(name: declared.name, value: nil, type: declared.dataType)
        }
        do {
            let typed = try TypedValue.convert(value, to: declared.dataType)
            return CIMInstance.Property(name: declared.name, value: typed, type: declared.dataType)
        } catch {
            throw CIMStatus.typeMismatch(
                "Property \(declared.name) of \(cls.name) wants \(declared.dataType): \(error)", name: declared.name)
        }
    }

    /// Key values as WMI compares them: strings ignore case, everything else by its text.
    static func sameKeyValue(_ a: CIMValue, _ b: CIMValue) -> Bool {
        switch (a, b) {
        case (.reference(let p), .reference(let q)):
            return p.refersToSameInstance(as: q)
        default:
            return a.textValue.lowercased() == b.textValue.lowercased()
        }
    }
}
