import CIM

extension ObjectManager {
    /// One association instance that refers to the source, with the roles through which it does.
    struct AssociationMatch {
        var association: CIMInstance
        var associationClass: CIMClass
        /// The reference properties (schema spelling) that point at the source.
        var sourceRoles: [String]
    }

    /// Instances at the other end of associations that refer to `path` (association instances found by enumerating
    /// every association class of the namespace whose reference properties point at `path`), filtered by
    /// association class (ISA), result class (ISA), role (the source's reference property) and result role (the
    /// result's reference property). Ends that no longer exist are left out; each result appears once.
    public func associators(
        of path: CIMObjectPath, associationClass: String?, resultClass: String?, role: String?, resultRole: String?,
        userName: String?
    ) async throws -> [CIMInstance] {
        try await associatorPairs(
            of: path, associationClass: associationClass, resultClass: resultClass, role: role, resultRole: resultRole,
            userName: userName
        ).map(\.result)
    }

    /// The association instances themselves that refer to `path`; `resultClass` filters by association class (ISA),
    /// `role` by the source's reference property.
    public func references(
        of path: CIMObjectPath, resultClass: String?, role: String?, userName: String?
    ) async throws -> [CIMInstance] {
        try await associationMatches(of: path, associationClass: resultClass, role: role, userName: userName)
            .map(\.association)
    }

    /// Associators with the association each was reached through.
    func associatorPairs(
        of path: CIMObjectPath, associationClass: String?, resultClass: String?, role: String?, resultRole: String?,
        userName: String?
    ) async throws -> [(association: AssociationMatch, result: CIMInstance)] {
        let (source, namespace) = try normalisedInstancePath(path)
        let matches = try await associationMatches(
            of: source, associationClass: associationClass, role: role, userName: userName)
        var seen: Set<String> = []
        var results: [(AssociationMatch, CIMInstance)] = []
        for match in matches {
            for property in match.associationClass.referenceProperties {
                if match.sourceRoles.contains(property.name) { continue }
                if let resultRole, property.name.lowercased() != resultRole.lowercased() { continue }
                guard var target = Self.reference(in: match.association, property: property.name) else { continue }
                if let resultClass, !schema.isSubclass(target.className, of: resultClass, in: namespace) { continue }
                if target.namespace == nil { target.namespace = namespace }
                guard target.namespace == namespace else { continue }
                let instance: CIMInstance
                do {
                    instance = try await getInstance(target, userName: userName)
                } catch let status as CIMStatus where status.code == .notFound || status.code == .invalidClass {
                    logger.debug("Association end is gone", metadata: ["path": "\(target)"])
                    continue
                }
                if let resultClass, !schema.isSubclass(instance.className, of: resultClass, in: namespace) {
                    continue
                }
                let identity = "\(self.path(of: instance, in: namespace))".lowercased()
                if seen.insert(identity).inserted { results.append((match, instance)) }
            }
        }
        return results
    }

    /// The association instances of `namespace` (of `associationClass` and its subclasses when given) that refer
    /// to `source`, through `role` when given.
    func associationMatches(
        of path: CIMObjectPath, associationClass: String?, role: String?, userName: String?
    ) async throws -> [AssociationMatch] {
        let (source, namespace) = try normalisedInstancePath(path)
        let context = context(namespace, userName)
        var matches: [AssociationMatch] = []
        for cls in schema.classes(in: namespace) where cls.isAssociation {
            if let associationClass, !schema.isSubclass(cls.name, of: associationClass, in: namespace) { continue }
            let candidates: [CIMInstance]
            if let provider = registry.associationProvider(for: cls.name, in: namespace, schema: schema) {
                candidates = try await provider.references(
                    of: source, associationClass: cls.name, role: role, context: context)
            } else {
                candidates = try await instanceProvider(for: cls.name, in: namespace)
                    .enumerateInstances(of: cls.name, context: context)
            }
            for association in candidates {
                let roles = cls.referenceProperties.map(\.name).filter { name in
                    guard let target = Self.reference(in: association, property: name) else { return false }
                    return Self.sameInstance(target, source, schema: schema, namespace: namespace)
                }
                if roles.isEmpty { continue }
                if let role, !roles.contains(where: { $0.lowercased() == role.lowercased() }) { continue }
                let sourceRoles = role.map { wanted in roles.filter { $0.lowercased() == wanted.lowercased() } }
                matches.append(
                    AssociationMatch(
                        association: association, associationClass: cls, sourceRoles: sourceRoles ?? roles))
            }
        }
        return matches
    }

    /// The path held by reference property `property` (a reference, or text holding a path).
    static func reference(in instance: CIMInstance, property: String) -> CIMObjectPath? {
        switch instance[property] {
        case .reference(let path): return path
        case .string(let text): return try? CIMObjectPath(parsing: text)
        default: return nil
        }
    }

    /// Whether `reference` names `source`: host and namespace compared only when both give them, classes related by
    /// inheritance, keys compared by name and value as WMI does (ignoring case).
    static func sameInstance(
        _ reference: CIMObjectPath, _ source: CIMObjectPath, schema: SchemaRepository, namespace: CIMNamespace
    ) -> Bool {
        if let a = reference.namespace, let b = source.namespace, a != b { return false }
        if let a = reference.host, let b = source.host, a.lowercased() != b.lowercased() { return false }
        guard
            schema.isSubclass(reference.className, of: source.className, in: namespace)
                || schema.isSubclass(source.className, of: reference.className, in: namespace)
                || reference.className.lowercased() == source.className.lowercased()
        else { return false }
        guard reference.keyBindings.count == source.keyBindings.count else { return false }
        if source.keyBindings.isEmpty { return true }
        for binding in source.keyBindings {
            guard let value = reference[key: binding.name] else {
                // WMI's unnamed single-key form.
                guard source.keyBindings.count == 1, let only = reference.keyBindings.first, only.name.isEmpty,
                    sameKeyValue(only.value, binding.value)
                else { return false }
                continue
            }
            guard sameKeyValue(value, binding.value) else { return false }
        }
        return true
    }
}
