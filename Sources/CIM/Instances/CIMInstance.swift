/// An instance of a CIM class: a class name and property values in order, looked up case-insensitively.
public struct CIMInstance: Hashable, Sendable, CustomStringConvertible {
    /// One property value; `value` nil is CIM null.
    public struct Property: Hashable, Sendable {
        public var name: String
        public var value: CIMValue?
        /// The declared type when known (needed to encode a null); nil otherwise.
        public var type: CIMDataType?

        public init(name: String, value: CIMValue?, type: CIMDataType? = nil) {
            self.name = name
            self.value = value
            self.type = type
        }
    }

    /// The class this is an instance of.
    public var className: String
    /// The property values in order.
    public private(set) var properties: [Property]
    private var index: [String: Int]

    public init(className: String, properties: [Property] = []) {
        self.className = className
        self.properties = []
        self.index = [:]
        for p in properties { setProperty(p) }
    }

    /// An instance from `(name, value)` pairs in order.
    public init(className: String, values: KeyValuePairs<String, CIMValue?>) {
        self.init(className: className, properties: values.map { Property(name: $0.key, value: $0.value) })
    }

    /// The property names in order.
    public var propertyNames: [String] { properties.map(\.name) }

    /// True when the instance carries property `name` (null or not).
    public func hasProperty(_ name: String) -> Bool { index[name.lowercased()] != nil }

    /// The property `name` (case-insensitive) with its type, if present.
    public func property(named name: String) -> Property? {
        index[name.lowercased()].map { properties[$0] }
    }

    /// The value of property `name`; nil when null or absent. Setting adds the property if needed
    /// (setting nil records a null).
    public subscript(name: String) -> CIMValue? {
        get { index[name.lowercased()].flatMap { properties[$0].value } }
        set {
            if let i = index[name.lowercased()] {
                properties[i].value = newValue
            } else {
                setProperty(Property(name: name, value: newValue))
            }
        }
    }

    /// Adds or replaces a property, keeping the position of a replaced one.
    public mutating func setProperty(_ property: Property) {
        let key = property.name.lowercased()
        if let i = index[key] {
            properties[i] = property
        } else {
            index[key] = properties.count
            properties.append(property)
        }
    }

    /// Removes property `name` if present.
    public mutating func removeProperty(named name: String) {
        guard let i = index.removeValue(forKey: name.lowercased()) else { return }
        properties.remove(at: i)
        for k in i..<properties.count { index[properties[k].name.lowercased()] = k }
    }

    /// The object path of this instance built from `keyNames` (in that order; absent keys are skipped).
    public func path(keyNames: [String], namespace: CIMNamespace? = nil, host: String? = nil) -> CIMObjectPath {
        let bindings = keyNames.compactMap { name -> CIMKeyBinding? in
            guard let p = property(named: name), let v = p.value else { return nil }
            return CIMKeyBinding(name: p.name, value: v)
        }
        return CIMObjectPath(
            host: host, namespace: namespace, className: className, keyBindings: bindings,
            isSingleton: keyNames.isEmpty)
    }

    /// A MOF-like rendering for logs and diagnostics.
    public var description: String {
        var out = "instance of \(className) {"
        for p in properties {
            out += " \(p.name) = \(p.value.map(\.mofLiteral) ?? "NULL");"
        }
        return out + " }"
    }

    public static func == (lhs: CIMInstance, rhs: CIMInstance) -> Bool {
        (lhs.className == rhs.className || lhs.className.equalsLowercased(rhs.className))
            && lhs.properties == rhs.properties
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(className.lowercased())
        hasher.combine(properties)
    }
}
