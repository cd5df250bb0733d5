import CIM

/// Anything registered with a `ProviderRegistry`. A provider adopts one or more of `InstanceProvider`,
/// `MethodProvider` and `AssociationProvider`; the registry finds each role by its protocol.
public protocol CIMProvider: Sendable {}

/// Serves instances of the classes it is registered for (and their subclasses, unless a subclass has a provider of
/// its own). Paths and instances it receives are already validated against the schema: class names and property
/// names have the schema's spelling, key values the key's type.
public protocol InstanceProvider: CIMProvider {
    /// The instance at `path`; throws `CIMStatus.notFound` when there is none.
    func getInstance(_ path: CIMObjectPath, context: ProviderContext) async throws -> CIMInstance
    /// Every instance whose class is exactly `className` (the object manager walks subclasses itself).
    func enumerateInstances(of className: String, context: ProviderContext) async throws -> [CIMInstance]
    /// Stores a new instance and returns its path; `CIMStatus.alreadyExists` when its keys are taken.
    func createInstance(_ instance: CIMInstance, context: ProviderContext) async throws -> CIMObjectPath
    /// Replaces the instance at `path` with `instance` (WS-Man Put) and returns what is now stored.
    func modifyInstance(_ instance: CIMInstance, at path: CIMObjectPath, context: ProviderContext) async throws
        -> CIMInstance
    /// Deletes the instance at `path`.
    func deleteInstance(_ path: CIMObjectPath, context: ProviderContext) async throws
}

/// An instance provider that answers a Get from memory, without suspending: the object manager then answers the
/// Get without a task (`ObjectManager.immediateInstance(at:userName:)`). Its answer is the one `getInstance` gives.
public protocol ImmediateInstanceProvider: InstanceProvider {
    /// The instance at `resolved`; throws `CIMStatus.notFound` when there is none.
    func instance(at resolved: ResolvedInstancePath, context: ProviderContext) throws -> CIMInstance
}

extension InstanceProvider {
    public func createInstance(_ instance: CIMInstance, context: ProviderContext) async throws -> CIMObjectPath {
        throw CIMStatus.notSupported("Instances of \(instance.className) cannot be created")
    }

    public func modifyInstance(_ instance: CIMInstance, at path: CIMObjectPath, context: ProviderContext)
        async throws -> CIMInstance
    {
        throw CIMStatus.notSupported("Instances of \(path.className) cannot be modified")
    }

    public func deleteInstance(_ path: CIMObjectPath, context: ProviderContext) async throws {
        throw CIMStatus.notSupported("Instances of \(path.className) cannot be deleted")
    }
}

/// What an extrinsic method answered: its return value (`0`, `4096`, `32770` …) and OUT parameters.
public struct MethodResult: Sendable, Hashable {
    public var returnValue: CIMValue?
    /// OUT parameters by name, in the order the method declares them when the provider keeps that order.
    public var outParameters: [(name: String, value: CIMValue?)]

    public init(returnValue: CIMValue?, outParameters: [(name: String, value: CIMValue?)] = []) {
        self.returnValue = returnValue
        self.outParameters = outParameters
    }

    /// The OUT parameter of that name (case-insensitive), when present.
    public subscript(outParameter name: String) -> CIMValue? {
        outParameters.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    public static func == (lhs: MethodResult, rhs: MethodResult) -> Bool {
        lhs.returnValue == rhs.returnValue
            && lhs.outParameters.map(\.name) == rhs.outParameters.map(\.name)
            && lhs.outParameters.map(\.value) == rhs.outParameters.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(returnValue)
        for parameter in outParameters {
            hasher.combine(parameter.name)
            hasher.combine(parameter.value)
        }
    }
}

/// Runs extrinsic methods.
public protocol MethodProvider: CIMProvider {
    /// Runs `method` on the instance at `target` (keys given) or on the class (static methods: no keys).
    /// `inParameters` are validated: names spelled as the schema declares them, values of the declared types.
    /// Documented failures of the method are return values (`MethodResult`), not thrown errors.
    func invokeMethod(
        _ method: String, on target: CIMObjectPath, inParameters: [String: CIMValue?], context: ProviderContext
    ) async throws -> MethodResult
}

/// Computes association instances instead of storing them. Without one, the object manager finds associations by
/// enumerating the association class and matching its references.
public protocol AssociationProvider: CIMProvider {
    /// Instances of exactly `associationClass` that refer to `source` (through the property `role` when given).
    func references(
        of source: CIMObjectPath, associationClass: String, role: String?, context: ProviderContext
    ) async throws -> [CIMInstance]
}
