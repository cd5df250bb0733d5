extension SchemaRepository {
    /// Collects declarations, then resolves inheritance once and builds an immutable repository.
    ///
    /// Classes are added as declared (local members only). Resolution merges inherited properties and
    /// methods (an override keeps the inherited position, takes the overriding class as origin, keeps the
    /// inherited default value unless it gives one), propagates qualifiers whose flavor is ToSubclass
    /// (Restricted ones stay behind) and reports overrides of DisableOverride qualifiers.
    public struct Builder: Sendable {
        struct Space: Sendable {
            var declared: [String: CIMClass] = [:]
            var order: [String] = []
            var resolved: [String: CIMClass] = [:]
            var qualifiers: [String: CIMQualifierDeclaration] = [:]
            var qualifierOrder: [String] = []
            var instances: [CIMInstance] = []
        }

        private var spaces: [CIMNamespace: Space] = [:]
        private var resolving: Set<String> = []
        /// Problems found so far by resolution.
        public private(set) var issues: [SchemaIssue] = []

        /// An empty builder.
        public init() {}

        /// A builder that starts from everything in `base` (already resolved).
        public init(base: SchemaRepository) {
            for ns in base.namespaces {
                var space = Space()
                for c in base.classes(in: ns) {
                    let key = c.name.lowercased()
                    space.declared[key] = c
                    space.resolved[key] = c
                    space.order.append(key)
                }
                for q in base.qualifierDeclarations(in: ns) {
                    space.qualifiers[q.name.lowercased()] = q
                    space.qualifierOrder.append(q.name.lowercased())
                }
                space.instances = base.instances(in: ns)
                spaces[ns] = space
            }
        }

        /// Makes sure `namespace` exists (even if it stays empty).
        public mutating func addNamespace(_ namespace: CIMNamespace) {
            if spaces[namespace] == nil { spaces[namespace] = Space() }
        }

        /// Adds or replaces a qualifier declaration.
        public mutating func addQualifierDeclaration(
            _ declaration: CIMQualifierDeclaration, in namespace: CIMNamespace
        ) {
            let key = declaration.name.lowercased()
            if spaces[namespace, default: Space()].qualifiers.updateValue(declaration, forKey: key) == nil {
                spaces[namespace, default: Space()].qualifierOrder.append(key)
            }
        }

        /// The qualifier declaration `name`, if added.
        public func qualifierDeclaration(named name: String, in namespace: CIMNamespace) -> CIMQualifierDeclaration? {
            spaces[namespace]?.qualifiers[name.lowercased()]
        }

        /// Adds a class as declared. Returns false (and adds nothing) when the name is already taken.
        @discardableResult
        public mutating func addClass(_ cls: CIMClass, in namespace: CIMNamespace) -> Bool {
            let key = cls.name.lowercased()
            guard spaces[namespace]?.declared[key] == nil else { return false }
            spaces[namespace, default: Space()].declared[key] = cls
            spaces[namespace, default: Space()].order.append(key)
            return true
        }

        /// True when class `name` has been added to `namespace`.
        public func hasClass(named name: String, in namespace: CIMNamespace) -> Bool {
            spaces[namespace]?.declared[name.lowercased()] != nil
        }

        /// The class `name` as declared (unresolved).
        public func declaredClass(named name: String, in namespace: CIMNamespace) -> CIMClass? {
            spaces[namespace]?.declared[name.lowercased()]
        }

        /// Adds a declared instance.
        public mutating func addInstance(_ instance: CIMInstance, in namespace: CIMNamespace) {
            spaces[namespace, default: Space()].instances.append(instance)
        }

        /// The class `name` resolved against its superclasses (resolving them too, once).
        public mutating func resolvedClass(named name: String, in namespace: CIMNamespace) -> CIMClass? {
            let key = name.lowercased()
            if let done = spaces[namespace]?.resolved[key] { return done }
            guard let local = spaces[namespace]?.declared[key] else { return nil }
            let token = namespace.key + ":" + key
            guard !resolving.contains(token) else {
                issues.append(
                    SchemaIssue(
                        kind: .circularInheritance, namespace: namespace, className: local.name,
                        message: "class '\(local.name)' inherits from itself"))
                return nil
            }
            resolving.insert(token)
            defer { resolving.remove(token) }
            var parent: CIMClass?
            if let superName = local.superclassName {
                parent = resolvedClass(named: superName, in: namespace)
                if parent == nil, !(spaces[namespace]?.declared[superName.lowercased()] != nil) {
                    issues.append(
                        SchemaIssue(
                            kind: .unknownSuperclass, namespace: namespace, className: local.name,
                            message: "superclass '\(superName)' of class '\(local.name)' is not defined"))
                }
            }
            let result = resolve(local, parent: parent, in: namespace)
            spaces[namespace, default: Space()].resolved[key] = result
            return result
        }

        /// Resolves every class and returns the repository with all issues found.
        public mutating func build() -> (repository: SchemaRepository, issues: [SchemaIssue]) {
            for ns in spaces.keys {
                for key in spaces[ns]?.order ?? [] { _ = resolvedClass(named: key, in: ns) }
            }
            checkReferences()
            var contents: [CIMNamespace: NamespaceContents] = [:]
            for (ns, space) in spaces {
                var children: [String: [String]] = [:]
                for key in space.order {
                    if let s = space.resolved[key]?.superclassName { children[s.lowercased(), default: []].append(key) }
                }
                contents[ns] = NamespaceContents(
                    classes: space.resolved, classOrder: space.order.filter { space.resolved[$0] != nil },
                    children: children, qualifierDeclarations: space.qualifiers, qualifierOrder: space.qualifierOrder,
                    instances: space.instances)
            }
            return (SchemaRepository(contents: contents), issues)
        }

        private mutating func checkReferences() {
            for (ns, space) in spaces {
                for key in space.order {
                    guard let cls = space.declared[key] else { continue }
                    func check(_ type: CIMDataType, member: String) {
                        guard let ref = type.scalar.referenceClass, space.declared[ref.lowercased()] == nil else {
                            return
                        }
                        issues.append(
                            SchemaIssue(
                                kind: .unknownReferenceClass, namespace: ns, className: cls.name, memberName: member,
                                message: "'\(cls.name).\(member)' refers to undefined class '\(ref)'"))
                    }
                    for p in cls.properties where !p.propagated { check(p.dataType, member: p.name) }
                    for m in cls.methods where !m.propagated {
                        for p in m.parameters { check(p.dataType, member: "\(m.name).\(p.name)") }
                    }
                }
            }
        }

        // MARK: Resolution

        private mutating func resolve(_ local: CIMClass, parent: CIMClass?, in ns: CIMNamespace) -> CIMClass {
            let origin = local.name
            func stamp(_ p: CIMProperty) -> CIMProperty {
                var p = p
                p.classOrigin = origin
                p.propagated = false
                return p
            }
            func stamp(_ m: CIMMethod) -> CIMMethod {
                var m = m
                m.classOrigin = origin
                m.propagated = false
                return m
            }
            guard let parent else {
                return CIMClass(
                    name: local.name, superclassName: local.superclassName, qualifiers: local.qualifiers,
                    properties: local.properties.map(stamp), methods: local.methods.map(stamp))
            }
            let qualifiers = merge(
                inherited: parent.qualifiers, local: local.qualifiers, ns: ns, className: origin, member: nil)
            var properties = parent.properties.map { p -> CIMProperty in
                var p = p
                p.propagated = true
                p.qualifiers = Self.propagated(p.qualifiers)
                return p
            }
            var propertyIndex = parent.foldedPropertyIndex
            for p in local.properties {
                var own = stamp(p)
                let folded = p.name.lowercased()
                if let i = propertyIndex[folded] {
                    // A second declaration in this class (reported as a duplicate where it was parsed): the first stays.
                    guard i < parent.properties.count else { continue }
                    let inherited = parent.properties[i]
                    own.qualifiers = merge(
                        inherited: inherited.qualifiers, local: p.qualifiers, ns: ns, className: origin, member: p.name)
                    if own.defaultValue == nil { own.defaultValue = inherited.defaultValue }
                    if !own.dataType.isCompatible(with: inherited.dataType),
                        !isNarrowing(own.dataType, inherited.dataType, ns)
                    {
                        issues.append(
                            SchemaIssue(
                                kind: .overrideTypeMismatch, namespace: ns, className: origin, memberName: p.name,
                                message:
                                    "property '\(origin).\(p.name)' has type \(own.dataType) but overrides "
                                    + "'\(inherited.classOrigin).\(inherited.name)' of type \(inherited.dataType)"))
                    }
                    properties[i] = own
                } else {
                    propertyIndex[folded] = properties.count
                    properties.append(own)
                }
            }
            var methods = parent.methods.map { m -> CIMMethod in
                var m = m
                m.propagated = true
                m.qualifiers = Self.propagated(m.qualifiers)
                m.parameters = m.parameters.map { p in
                    var p = p
                    p.qualifiers = Self.propagated(p.qualifiers)
                    return p
                }
                return m
            }
            var methodIndex = parent.foldedMethodIndex
            for m in local.methods {
                var own = stamp(m)
                let folded = m.name.lowercased()
                if let i = methodIndex[folded] {
                    guard i < parent.methods.count else { continue }
                    let inherited = parent.methods[i]
                    own.qualifiers = merge(
                        inherited: inherited.qualifiers, local: m.qualifiers, ns: ns, className: origin, member: m.name)
                    own.parameters = m.parameters.map { p in
                        guard let ip = inherited.parameter(named: p.name) else { return p }
                        var p = p
                        p.qualifiers = merge(
                            inherited: ip.qualifiers, local: p.qualifiers, ns: ns, className: origin,
                            member: "\(m.name).\(p.name)")
                        return p
                    }
                    methods[i] = own
                } else {
                    methodIndex[folded] = methods.count
                    methods.append(own)
                }
            }
            return CIMClass(
                resolvedName: local.name, superclassName: local.superclassName, qualifiers: qualifiers,
                properties: properties, methods: methods, foldedPropertyIndex: propertyIndex,
                foldedMethodIndex: methodIndex)
        }

        /// A reference may be narrowed to a subclass of the inherited reference class.
        private mutating func isNarrowing(_ own: CIMDataType, _ inherited: CIMDataType, _ ns: CIMNamespace) -> Bool {
            guard own.isArray == inherited.isArray, let a = own.scalar.referenceClass,
                let b = inherited.scalar.referenceClass
            else { return false }
            var current: String? = a
            var steps = 0
            while let c = current, steps < 256 {
                if c.lowercased() == b.lowercased() { return true }
                current = spaces[ns]?.declared[c.lowercased()]?.superclassName
                steps += 1
            }
            return false
        }

        private static func propagated(_ list: CIMQualifierList) -> CIMQualifierList {
            CIMQualifierList(
                unique: list.elements.filter(\.flavors.toSubclass).map { q in
                    var q = q
                    q.propagated = true
                    return q
                })
        }

        private mutating func merge(
            inherited: CIMQualifierList, local: CIMQualifierList, ns: CIMNamespace, className: String, member: String?
        ) -> CIMQualifierList {
            var out = Self.propagated(inherited)
            for q in local {
                if let old = out[q.name], !old.flavors.overridable, old.value != q.value {
                    let what = member.map { "'\(className).\($0)'" } ?? "class '\(className)'"
                    issues.append(
                        SchemaIssue(
                            kind: .overrideOfDisableOverrideQualifier, namespace: ns, className: className,
                            memberName: member,
                            message:
                                "qualifier '\(q.name)' of \(what) overrides an inherited value that has flavor "
                                + "DisableOverride"))
                    continue
                }
                var q = q
                q.propagated = false
                out.set(q)
            }
            return out
        }
    }
}
