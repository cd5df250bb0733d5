/// What the request asks for, decoded from the Action and the Body.
public enum WSManOperation: Sendable, Hashable {
    case identify
    case get
    case put(WSManInstance)
    case create(WSManInstance)
    case delete
    case enumerate(EnumerateOptions)
    case pull(PullOptions)
    case release(context: String)
    /// A method: the name comes from the action (`<resource URI>/<Method>`), the parameters from
    /// `<Method>_INPUT` (repeated elements become arrays, omitted parameters are absent).
    case invoke(method: String, parameters: [WSManProperty])
}

/// What to return for each enumerated item.
public enum EnumerationMode: String, Sendable, Hashable {
    case objects = ""
    case epr = "EnumerateEPR"
    case objectAndEPR = "EnumerateObjectAndEPR"
}

/// The filter of an Enumerate.
public enum EnumerationFilter: Sendable, Hashable {
    public static let wqlDialect = "http://schemas.microsoft.com/wbem/wsman/1/WQL"
    public static let associationDialect = "http://schemas.dmtf.org/wbem/wsman/1/cimbinding/associationFilter"
    public static let selectorDialect = "http://schemas.dmtf.org/wbem/wsman/1/wsman/SelectorFilter"

    /// WQL text (dialect `…/wsman/1/WQL`).
    case wql(String)
    /// DSP0227 association filter.
    case association(AssociationFilter)
    /// DSP0226 selector filter.
    case selector(SelectorSet)
}

/// DSP0227 `b:AssociatedInstances` (associators) or `b:AssociationInstances` (references).
public struct AssociationFilter: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// `AssociatedInstances`: the instances at the other end (WQL ASSOCIATORS OF).
        case associatedInstances
        /// `AssociationInstances`: the association instances themselves (WQL REFERENCES OF).
        case associationInstances
    }

    public var kind: Kind
    public var object: EndpointReference
    public var associationClassName: String?
    public var role: String?
    public var resultClassName: String?
    public var resultRole: String?
    public var includeResultProperties: [String]

    public init(
        kind: Kind, object: EndpointReference, associationClassName: String? = nil, role: String? = nil,
        resultClassName: String? = nil, resultRole: String? = nil, includeResultProperties: [String] = []
    ) {
        self.kind = kind
        self.object = object
        self.associationClassName = associationClassName
        self.role = role
        self.resultClassName = resultClassName
        self.resultRole = resultRole
        self.includeResultProperties = includeResultProperties
    }
}

/// The body of an Enumerate.
public struct EnumerateOptions: Sendable, Hashable {
    public var optimize = false
    public var maxElements: Int?
    public var mode: EnumerationMode = .objects
    /// `n:Expires` as sent (an xs:duration or xs:dateTime).
    public var expires: String?
    public var filter: EnumerationFilter?

    public init(
        optimize: Bool = false, maxElements: Int? = nil, mode: EnumerationMode = .objects, expires: String? = nil,
        filter: EnumerationFilter? = nil
    ) {
        self.optimize = optimize
        self.maxElements = maxElements
        self.mode = mode
        self.expires = expires
        self.filter = filter
    }
}

/// The body of a Pull.
public struct PullOptions: Sendable, Hashable {
    public var context: String
    /// Absent means 1 (WS-Enumeration default).
    public var maxElements: Int?
    public var maxCharacters: Int?
    public var maxTime: Duration?

    public init(context: String, maxElements: Int? = nil, maxCharacters: Int? = nil, maxTime: Duration? = nil) {
        self.context = context
        self.maxElements = maxElements
        self.maxCharacters = maxCharacters
        self.maxTime = maxTime
    }
}

/// A decoded request: header plus operation.
public struct WSManRequest: Sendable, Hashable {
    public var header: WSManHeader
    public var operation: WSManOperation

    public init(header: WSManHeader, operation: WSManOperation) {
        self.header = header
        self.operation = operation
    }
}
