/// A parsed WQL query: `SELECT`, `ASSOCIATORS OF` or `REFERENCES OF`.
///
/// One parser (`init(parsing:)`) and one printer (`description`); printing and parsing again gives an equal value.
public enum WQLStatement: Hashable, Sendable {
    case select(WQLSelectStatement)
    case associators(WQLAssociatorsStatement)
    case references(WQLReferencesStatement)

    /// Parses a WQL query; a bad query throws a `WQLError` with the column of the problem.
    public init(parsing text: String) throws {
        var parser = try WQLParser(text)
        self = try parser.parseStatement()
    }
}

/// `SELECT * | Prop, Prop FROM Class [WHERE condition]`.
public struct WQLSelectStatement: Hashable, Sendable {
    /// The selected property names; `nil` for `*`.
    public var properties: [String]?
    public var className: String
    public var condition: WQLExpression?

    public init(properties: [String]? = nil, className: String, condition: WQLExpression? = nil) {
        self.properties = properties
        self.className = className
        self.condition = condition
    }
}

/// `ASSOCIATORS OF {path} [WHERE AssocClass = A ResultClass = R Role = X ResultRole = Y ClassDefsOnly …]`.
public struct WQLAssociatorsStatement: Hashable, Sendable {
    /// The source object path as written between the braces (WMI `__PATH` or relative path form).
    public var objectPath: String
    public var associationClass: String?
    public var resultClass: String?
    public var role: String?
    public var resultRole: String?
    public var requiredQualifier: String?
    public var requiredAssociationQualifier: String?
    public var classDefinitionsOnly: Bool
    public var schemaOnly: Bool

    public init(
        objectPath: String, associationClass: String? = nil, resultClass: String? = nil, role: String? = nil,
        resultRole: String? = nil, requiredQualifier: String? = nil, requiredAssociationQualifier: String? = nil,
        classDefinitionsOnly: Bool = false, schemaOnly: Bool = false
    ) {
        self.objectPath = objectPath
        self.associationClass = associationClass
        self.resultClass = resultClass
        self.role = role
        self.resultRole = resultRole
        self.requiredQualifier = requiredQualifier
        self.requiredAssociationQualifier = requiredAssociationQualifier
        self.classDefinitionsOnly = classDefinitionsOnly
        self.schemaOnly = schemaOnly
    }
}

/// `REFERENCES OF {path} [WHERE ResultClass = A Role = X RequiredQualifier = Q ClassDefsOnly SchemaOnly]`.
public struct WQLReferencesStatement: Hashable, Sendable {
    /// The source object path as written between the braces.
    public var objectPath: String
    /// The association class wanted (WQL calls it ResultClass here).
    public var resultClass: String?
    public var role: String?
    public var requiredQualifier: String?
    public var classDefinitionsOnly: Bool
    public var schemaOnly: Bool

    public init(
        objectPath: String, resultClass: String? = nil, role: String? = nil, requiredQualifier: String? = nil,
        classDefinitionsOnly: Bool = false, schemaOnly: Bool = false
    ) {
        self.objectPath = objectPath
        self.resultClass = resultClass
        self.role = role
        self.requiredQualifier = requiredQualifier
        self.classDefinitionsOnly = classDefinitionsOnly
        self.schemaOnly = schemaOnly
    }
}
