/// A problem found while resolving a schema (inheritance, overrides, references).
public struct SchemaIssue: Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem it is.
    public enum Kind: String, Hashable, Sendable {
        case unknownSuperclass
        case circularInheritance
        case overrideOfDisableOverrideQualifier
        case overrideTypeMismatch
        case unknownReferenceClass
        case duplicateClass
    }

    public var kind: Kind
    public var namespace: CIMNamespace
    public var className: String
    /// The property or method concerned, if any (`Method.Parameter` for parameters).
    public var memberName: String?
    public var message: String

    public init(kind: Kind, namespace: CIMNamespace, className: String, memberName: String? = nil, message: String) {
        self.kind = kind
        self.namespace = namespace
        self.className = className
        self.memberName = memberName
        self.message = message
    }

    public var description: String { message }
}
