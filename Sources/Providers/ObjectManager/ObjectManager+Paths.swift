import CIM

extension ObjectManager {
    /// `path` checked against the schema (see `normalisedInstancePath`), to be used for any number of Gets.
    ///
    /// Throws `CIMStatus.invalidNamespace`, `.invalidClass`, `.notSingleton` or `.invalidObjectPath`.
    public func resolve(_ path: CIMObjectPath) throws -> ResolvedInstancePath {
        let (normalised, namespace) = try normalisedInstancePath(path)
        return ResolvedInstancePath(normalised, namespace: namespace)
    }

    /// `path` checked against its class: namespace known (root/cimv2 when the path has none), class known and spelled
    /// as the schema spells it, keys complete, known and converted to their declared types, in key order.
    /// A keyless path of a keyed class is `notSingleton`; a class without keys is addressed as a singleton.
    func normalisedInstancePath(_ path: CIMObjectPath) throws -> (CIMObjectPath, CIMNamespace) {
        let namespace = path.namespace ?? .rootCIMV2
        let cls = try resolveClass(path.className, in: namespace)
        let keys = cls.keyProperties
        var normalised = CIMObjectPath(host: path.host, namespace: namespace, className: cls.name)
        if keys.isEmpty {
            if let extra = path.keyBindings.first {
                throw CIMStatus.invalidObjectPath(
                    "Class \(cls.name) has no key \(extra.name.isEmpty ? "(unnamed)" : extra.name)", key: extra.name)
            }
            normalised.isSingleton = true
            return (normalised, namespace)
        }
        if path.keyBindings.isEmpty {
            throw CIMStatus.notSingleton(cls.name)
        }
        // Values by key position: key names are unique ignoring case.
        var given = [CIMValue?](repeating: nil, count: keys.count)
        for binding in path.keyBindings {
            var name = binding.name
            if name.isEmpty {
                guard keys.count == 1 else {
                    throw CIMStatus.invalidObjectPath("Class \(cls.name) has \(keys.count) keys: name each one")
                }
                name = keys[0].name
            }
            guard let index = keys.firstIndex(where: { $0.name.equalsLowercased(name) }) else {
                throw CIMStatus.invalidObjectPath("\(name) is not a key of \(cls.name)", key: name)
            }
            let key = keys[index]
            guard given[index] == nil else {
                throw CIMStatus.invalidObjectPath("Key \(key.name) is given twice", key: key.name)
            }
            do {
                given[index] = try TypedValue.convert(binding.value, to: key.dataType)
            } catch {
                throw CIMStatus.invalidObjectPath(
                    "Key \(key.name) of \(cls.name) wants \(key.dataType): \(error)", key: key.name)
            }
        }
        normalised.keyBindings.reserveCapacity(keys.count)
        for (key, value) in zip(keys, given) {
            guard let value else {
                throw CIMStatus.invalidObjectPath("Key \(key.name) of \(cls.name) is missing", key: key.name)
            }
            normalised.keyBindings.append(CIMKeyBinding(name: key.name, value: value))
        }
        return (normalised, namespace)
    }
}
