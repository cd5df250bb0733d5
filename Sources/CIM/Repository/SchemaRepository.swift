/// The compiled schema: namespaces → resolved classes, qualifier declarations and declared instances.
///
/// Immutable once built (by ``SchemaRepository/Builder``), so it can be shared between threads. Class
/// names compare case-insensitively; classes are stored resolved (inherited members merged, qualifiers
/// propagated per their flavors), and keep their declaration order.
public final class SchemaRepository: Sendable {
    /// The contents of one namespace.
    public struct NamespaceContents: Sendable {
        /// Resolved classes by lower-cased name.
        let classes: [String: CIMClass]
        /// Lower-cased class names in declaration order.
        let classOrder: [String]
        /// Direct subclasses (lower-cased) of each class (lower-cased).
        let children: [String: [String]]
        let qualifierDeclarations: [String: CIMQualifierDeclaration]
        let qualifierOrder: [String]
        let instances: [CIMInstance]
        /// `classes` by each class's own spelling, which is how requests usually name it: a hit needs no
        /// lower-casing. Filled by the repository.
        var classesBySpelling: [String: CIMClass] = [:]
    }

    private let contents: [CIMNamespace: NamespaceContents]
    /// The namespaces in name order.
    public let namespaces: [CIMNamespace]

    init(contents: [CIMNamespace: NamespaceContents]) {
        self.contents = contents.mapValues { namespace in
            var namespace = namespace
            for (key, cls) in namespace.classes where key == cls.name.lowercased() {
                namespace.classesBySpelling[cls.name] = cls
            }
            return namespace
        }
        self.namespaces = contents.keys.sorted()
    }

    /// An empty repository.
    public convenience init() { self.init(contents: [:]) }

    // MARK: Classes

    /// The resolved class `name` in `namespace` (case-insensitive).
    public func `class`(named name: String, in namespace: CIMNamespace) -> CIMClass? {
        guard let contents = contents[namespace] else { return nil }
        return contents.classesBySpelling[name] ?? contents.classes[name.lowercased()]
    }

    /// Every resolved class of `namespace` in declaration order.
    public func classes(in namespace: CIMNamespace) -> [CIMClass] {
        guard let ns = contents[namespace] else { return [] }
        return ns.classOrder.compactMap { ns.classes[$0] }
    }

    /// The class names of `namespace` in declaration order.
    public func classNames(in namespace: CIMNamespace) -> [String] { classes(in: namespace).map(\.name) }

    /// The superclasses of `name`, nearest first, as declared (empty for a root or unknown class).
    public func superclassChain(of name: String, in namespace: CIMNamespace) -> [String] {
        var out: [String] = []
        var current = self.class(named: name, in: namespace)?.superclassName
        while let s = current, out.count < 256 {
            out.append(self.class(named: s, in: namespace)?.name ?? s)
            current = self.class(named: s, in: namespace)?.superclassName
        }
        return out
    }

    /// The subclasses of `name` (direct only, or all descendants when `deep`), in declaration order
    /// for direct children, depth first for descendants.
    public func subclasses(of name: String, in namespace: CIMNamespace, deep: Bool = true) -> [String] {
        guard let ns = contents[namespace] else { return [] }
        var out: [String] = []
        var stack = Array((ns.children[name.lowercased()] ?? []).reversed())
        while let next = stack.popLast() {
            if let c = ns.classes[next] { out.append(c.name) }
            if deep { stack.append(contentsOf: (ns.children[next] ?? []).reversed()) }
        }
        return out
    }

    /// True when `name` is `ancestor` or descends from it (WQL `ISA` semantics).
    public func isSubclass(_ name: String, of ancestor: String, in namespace: CIMNamespace) -> Bool {
        let target = ancestor.lowercased()
        if name.lowercased() == target { return self.class(named: name, in: namespace) != nil }
        return superclassChain(of: name, in: namespace).contains { $0.lowercased() == target }
    }

    /// The key property names of class `name`, in property order.
    public func keys(of name: String, in namespace: CIMNamespace) -> [String] {
        self.class(named: name, in: namespace)?.keyPropertyNames ?? []
    }

    /// The resolved method `method` of class `className`.
    public func method(_ method: String, of className: String, in namespace: CIMNamespace) -> CIMMethod? {
        self.class(named: className, in: namespace)?.method(named: method)
    }

    /// The object path of `instance` from the keys of its class.
    public func path(of instance: CIMInstance, in namespace: CIMNamespace, host: String? = nil) -> CIMObjectPath {
        let keys = keys(of: instance.className, in: namespace)
        let canonicalName = self.class(named: instance.className, in: namespace)?.name ?? instance.className
        var path = instance.path(keyNames: keys, namespace: host == nil ? nil : namespace, host: host)
        path.className = canonicalName
        if host == nil { path.namespace = namespace }
        return path
    }

    // MARK: Qualifier declarations and instances

    /// The qualifier declaration `name` in `namespace`.
    public func qualifierDeclaration(named name: String, in namespace: CIMNamespace) -> CIMQualifierDeclaration? {
        contents[namespace]?.qualifierDeclarations[name.lowercased()]
    }

    /// Every qualifier declaration of `namespace` in declaration order.
    public func qualifierDeclarations(in namespace: CIMNamespace) -> [CIMQualifierDeclaration] {
        guard let ns = contents[namespace] else { return [] }
        return ns.qualifierOrder.compactMap { ns.qualifierDeclarations[$0] }
    }

    /// The instances declared (in MOF) in `namespace`, in order.
    public func instances(in namespace: CIMNamespace) -> [CIMInstance] { contents[namespace]?.instances ?? [] }

    /// The declared instances of `className` and, when `deep`, of its subclasses.
    public func instances(of className: String, in namespace: CIMNamespace, deep: Bool = true) -> [CIMInstance] {
        instances(in: namespace).filter {
            deep
                ? isSubclass($0.className, of: className, in: namespace)
                : $0.className.lowercased() == className.lowercased()
        }
    }

    // MARK: Counts

    /// The number of classes over all namespaces.
    public var classCount: Int { contents.values.reduce(0) { $0 + $1.classes.count } }
    /// The number of declared instances over all namespaces.
    public var instanceCount: Int { contents.values.reduce(0) { $0 + $1.instances.count } }
    /// The number of qualifier declarations over all namespaces.
    public var qualifierDeclarationCount: Int { contents.values.reduce(0) { $0 + $1.qualifierDeclarations.count } }
}
