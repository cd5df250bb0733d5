/// A CIM class: its own and (once resolved by a ``SchemaRepository``) inherited members.
///
/// Properties keep declaration order with inherited ones first; an overriding property keeps the
/// position of the one it overrides. Member lookups are case-insensitive.
public struct CIMClass: Hashable, Sendable, CustomStringConvertible {
    public var name: String
    /// The direct superclass, nil for a root class.
    public var superclassName: String?
    public var qualifiers: CIMQualifierList
    public var properties: [CIMProperty] { didSet { reindexProperties() } }
    public var methods: [CIMMethod] { didSet { reindexMethods() } }

    private var propertyIndex: [String: Int] = [:]
    /// `propertyIndex` by the properties' own spelling, which is how requests usually name them: a hit needs no
    /// lower-casing.
    private var propertyIndexBySpelling: [String: Int] = [:]
    private var methodIndex: [String: Int] = [:]
    /// The `Key` properties in property order, kept with the index so that per-request path checks need no
    /// qualifier look-ups.
    public private(set) var keyProperties: [CIMProperty] = []

    public init(
        name: String, superclassName: String? = nil, qualifiers: CIMQualifierList = [],
        properties: [CIMProperty] = [], methods: [CIMMethod] = []
    ) {
        self.name = name
        self.superclassName = superclassName
        self.qualifiers = qualifiers
        self.properties = properties
        self.methods = methods
        reindexProperties()
        reindexMethods()
    }

    private mutating func reindexProperties() {
        propertyIndex = Dictionary(
            properties.enumerated().map { ($0.element.name.lowercased(), $0.offset) }, uniquingKeysWith: { a, _ in a })
        propertyIndexBySpelling = [:]
        for property in properties where propertyIndexBySpelling[property.name] == nil {
            propertyIndexBySpelling[property.name] = propertyIndex[property.name.lowercased()]
        }
        keyProperties = properties.filter(\.isKey)
    }

    private mutating func reindexMethods() {
        methodIndex = Dictionary(
            methods.enumerated().map { ($0.element.name.lowercased(), $0.offset) }, uniquingKeysWith: { a, _ in a })
    }

    /// The property named `name` (case-insensitive).
    public func property(named name: String) -> CIMProperty? {
        propertyIndex(named: name).map { properties[$0] }
    }

    /// The method named `name` (case-insensitive).
    public func method(named name: String) -> CIMMethod? {
        methodIndex[name.lowercased()].map { methods[$0] }
    }

    /// True with the `Association` qualifier.
    public var isAssociation: Bool { qualifiers.isTrue("Association") }
    /// True with the `Indication` qualifier.
    public var isIndication: Bool { qualifiers.isTrue("Indication") }
    /// True with the `Abstract` qualifier.
    public var isAbstract: Bool { qualifiers.isTrue("Abstract") }
    /// The key property names in property order.
    public var keyPropertyNames: [String] { keyProperties.map(\.name) }
    /// The position in `properties` of the property named `name` (case-insensitive).
    public func propertyIndex(named name: String) -> Int? {
        propertyIndexBySpelling[name] ?? propertyIndex[name.lowercased()]
    }
    /// The reference properties (the roles of an association).
    public var referenceProperties: [CIMProperty] { properties.filter { $0.referenceClass != nil } }
    /// Properties and methods declared or overridden in this class (not propagated).
    public var localProperties: [CIMProperty] { properties.filter { !$0.propagated } }
    /// Methods declared or overridden in this class (not propagated).
    public var localMethods: [CIMMethod] { methods.filter { !$0.propagated } }

    public var description: String { "class \(name)" + (superclassName.map { " : \($0)" } ?? "") }

    public static func == (lhs: CIMClass, rhs: CIMClass) -> Bool {
        lhs.name == rhs.name && lhs.superclassName == rhs.superclassName && lhs.qualifiers == rhs.qualifiers
            && lhs.properties == rhs.properties && lhs.methods == rhs.methods
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(superclassName)
        hasher.combine(properties.count)
    }
}
