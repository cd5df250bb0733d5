/// A qualifier applied to a class, property, method or parameter (`Key`, `Description("…")`).
public struct CIMQualifier: Hashable, Sendable {
    /// The qualifier name as written.
    public var name: String
    /// The value; nil is NULL. A bare boolean qualifier (`[Key]`) has value `true`.
    public var value: CIMValue?
    /// The effective flavors (declaration defaults with the explicit ones applied).
    public var flavors: CIMFlavors
    /// True when inherited from the superclass or overridden element rather than given here.
    public var propagated: Bool
    /// Flavor keywords written explicitly where the qualifier was given (for printing back).
    public var explicitFlavors: [CIMFlavor]

    public init(
        name: String, value: CIMValue?, flavors: CIMFlavors = .default, propagated: Bool = false,
        explicitFlavors: [CIMFlavor] = []
    ) {
        self.name = name
        self.value = value
        self.flavors = flavors
        self.propagated = propagated
        self.explicitFlavors = explicitFlavors
    }
}

/// Qualifiers in order, looked up case-insensitively.
public struct CIMQualifierList: Hashable, Sendable, RandomAccessCollection, ExpressibleByArrayLiteral {
    public private(set) var elements: [CIMQualifier]

    public init(_ elements: [CIMQualifier] = []) {
        self.elements = []
        for q in elements { set(q) }
    }

    public init(arrayLiteral elements: CIMQualifier...) { self.init(elements) }

    /// Elements already known to have distinct names.
    init(unique elements: [CIMQualifier]) { self.elements = elements }

    public var startIndex: Int { elements.startIndex }
    public var endIndex: Int { elements.endIndex }
    public subscript(position: Int) -> CIMQualifier { elements[position] }

    /// The qualifier named `name` (case-insensitive).
    public subscript(name: String) -> CIMQualifier? {
        elements.first { $0.name.equalsIgnoringCase(name) }
    }

    /// Adds or replaces (in place) the qualifier with the same name.
    public mutating func set(_ qualifier: CIMQualifier) {
        if let i = elements.firstIndex(where: { $0.name.equalsIgnoringCase(qualifier.name) }) {
            elements[i] = qualifier
        } else {
            elements.append(qualifier)
        }
    }

    /// Removes the qualifier named `name`.
    public mutating func remove(_ name: String) {
        let lower = name.lowercased()
        elements.removeAll { $0.name.lowercased() == lower }
    }

    /// True when the boolean qualifier `name` is present and true.
    public func isTrue(_ name: String) -> Bool { self[name]?.value?.boolValue == true }

    /// The string value of qualifier `name`.
    public func string(_ name: String) -> String? { self[name]?.value?.stringValue }

    /// The string-array value of qualifier `name` (`ValueMap`, `Values`); a scalar becomes one element.
    public func strings(_ name: String) -> [String]? {
        guard let v = self[name]?.value else { return nil }
        if let a = v.arrayElements { return a.map(\.textValue) }
        return [v.textValue]
    }

    /// Only the qualifiers given locally (not propagated).
    public var local: [CIMQualifier] { elements.filter { !$0.propagated } }
}

/// A qualifier type declaration (`Qualifier Key : boolean = false, Scope(property, reference),
/// Flavor(DisableOverride);`).
public struct CIMQualifierDeclaration: Hashable, Sendable {
    public var name: String
    public var type: CIMDataType
    public var defaultValue: CIMValue?
    public var scopes: CIMScope
    /// The default flavors given to qualifiers of this type.
    public var flavors: CIMFlavors

    public init(
        name: String, type: CIMDataType, defaultValue: CIMValue? = nil, scopes: CIMScope = .any,
        flavors: CIMFlavors = .default
    ) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.scopes = scopes
        self.flavors = flavors
    }
}

extension String {
    /// ASCII case-insensitive equality without allocating (falls back to lowercasing for non-ASCII).
    func equalsIgnoringCase(_ other: String) -> Bool {
        let a = utf8
        let b = other.utf8
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) where x != y {
            if x >= 0x80 || y >= 0x80 { return lowercased() == other.lowercased() }
            guard x | 0x20 == y | 0x20, (x | 0x20) >= 0x61, (x | 0x20) <= 0x7A else { return false }
        }
        return true
    }
}
