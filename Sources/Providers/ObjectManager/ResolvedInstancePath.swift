import CIM

/// An instance path checked against the schema once: namespace set, class and key names spelled as the schema
/// spells them, key values of their declared types, in key order (`ObjectManager.resolve(_:)`).
///
/// The schema does not change while the object manager lives, so a resolved path stays valid and callers that
/// address the same instance again and again (a client polling a service) may keep it instead of resolving anew.
public struct ResolvedInstancePath: Sendable, Hashable {
    /// The normalised path.
    public let path: CIMObjectPath
    public let namespace: CIMNamespace
    /// The instance's identity in the store (`InstanceKey`), made once with the path.
    let storeKey: InstanceStore.Key

    init(_ path: CIMObjectPath, namespace: CIMNamespace) {
        self.path = path
        self.namespace = namespace
        self.storeKey = InstanceStore.Key(path, in: namespace)
    }
}
