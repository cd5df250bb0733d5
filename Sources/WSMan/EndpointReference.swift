/// One `w:Selector`: a name and either text or a nested endpoint reference (DSP0226 allows EPRs as
/// selector values, e.g. for association instances keyed by references).
public struct WSManSelector: Sendable, Hashable {
    public enum Value: Sendable, Hashable {
        case text(String)
        case reference(EndpointReference)
    }

    public var name: String
    public var value: Value

    public init(name: String, value: Value) {
        self.name = name
        self.value = value
    }

    public init(_ name: String, _ text: String) {
        self.init(name: name, value: .text(text))
    }

    /// The text value, nil when the value is a reference.
    public var text: String? {
        if case .text(let text) = value { return text }
        return nil
    }
}

/// A `w:SelectorSet`: ordered selectors, looked up by case-insensitive name as WMI does.
public struct SelectorSet: Sendable, Hashable, ExpressibleByArrayLiteral {
    /// The selector naming the CIM namespace (DSP0227 §6.3).
    public static let cimNamespaceName = "__cimnamespace"

    public var selectors: [WSManSelector]

    public init(_ selectors: [WSManSelector] = []) {
        self.selectors = selectors
    }

    public init(arrayLiteral elements: WSManSelector...) {
        self.init(elements)
    }

    public var isEmpty: Bool { selectors.isEmpty }

    /// The value of the selector with this name (case-insensitive).
    public subscript(name: String) -> WSManSelector.Value? {
        selectors.first { $0.name.equalsLowercased(name) }?.value
    }

    /// The `__cimnamespace` selector's text, normalised to `/` separators.
    public var cimNamespace: String? {
        if case .text(let text)? = self[Self.cimNamespaceName] { return ResourceURI.normalise(text) }
        return nil
    }

    /// The selectors that identify the instance (everything but `__cimnamespace`).
    public var keys: [WSManSelector] {
        selectors.filter { !$0.name.equalsLowercased(Self.cimNamespaceName) }
    }
}

/// A WS-Addressing endpoint reference to a CIM instance: address, resource URI and selectors.
public struct EndpointReference: Sendable, Hashable {
    public static let anonymous = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"

    public var address: String
    /// The resource URI text as sent (parse it with `ResourceURI(parsing:)`).
    public var resourceURI: String
    public var selectors: SelectorSet

    public init(address: String = EndpointReference.anonymous, resourceURI: String, selectors: SelectorSet) {
        self.address = address
        self.resourceURI = resourceURI
        self.selectors = selectors
    }

    public init(address: String = EndpointReference.anonymous, resourceURI: ResourceURI, selectors: SelectorSet) {
        self.init(address: address, resourceURI: resourceURI.description, selectors: selectors)
    }
}
