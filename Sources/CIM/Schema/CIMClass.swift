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

    /// A class resolved by the schema builder, which has the case-folded indexes of `properties` and
    /// `methods` at hand (built on the superclass's), so they are not computed again.
    init(
        resolvedName name: String, superclassName: String?, qualifiers: CIMQualifierList,
        properties: [CIMProperty], methods: [CIMMethod], foldedPropertyIndex: [String: Int],
        foldedMethodIndex: [String: Int]
    ) {
        self.name = name
        self.superclassName = superclassName
        self.qualifiers = qualifiers
        self.properties = properties
        self.methods = methods
        propertyIndex = foldedPropertyIndex
        methodIndex = foldedMethodIndex
        // The builder keeps names unique ignoring case, so each spelling is its own position.
        propertyIndexBySpelling.reserveCapacity(properties.count)
        for (i, property) in properties.enumerated() {
            propertyIndexBySpelling[property.name] = i
            if property.isKey { keyProperties.append(property) }
        }
    }

    /// Positions in `properties` by lower-cased name (the first, should two names differ only in case).
    var foldedPropertyIndex: [String: Int] { propertyIndex }
    /// Positions in `methods` by lower-cased name.
    var foldedMethodIndex: [String: Int] { methodIndex }

    private mutating func reindexProperties() {
        propertyIndex = [:]
        propertyIndex.reserveCapacity(properties.count)
        propertyIndexBySpelling = [:]
        propertyIndexBySpelling.reserveCapacity(properties.count)
        keyProperties = []
        for (i, property) in properties.enumerated() {
            let folded = property.name.lowercased()
            let first = propertyIndex[folded] ?? i
            if first == i { propertyIndex[folded] = i }
            if propertyIndexBySpelling[property.name] == nil { propertyIndexBySpelling[property.name] = first }
            if property.isKey { keyProperties.append(property) }
        }
    }

    private mutating func reindexMethods() {
        methodIndex = [:]
        methodIndex.reserveCapacity(methods.count)
        for (i, method) in methods.enumerated() {
            let folded = method.name.lowercased()
            if methodIndex[folded] == nil { methodIndex[folded] = i }
        }
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
