import CIM
import Logging

/// What a provider gets with every call: where it runs, the schema and a logger.
public struct ProviderContext: Sendable {
    /// The namespace of the request, canonical (`root/virtualization/v2`).
    public var namespace: CIMNamespace
    /// The compiled schema every class, key and parameter is looked up in.
    public var schema: SchemaRepository
    /// The authenticated user, when the transport knows one.
    public var userName: String?
    public var logger: Logger

    public init(
        namespace: CIMNamespace, schema: SchemaRepository, userName: String? = nil, logger: Logger
    ) {
        self.namespace = namespace
        self.schema = schema
        self.userName = userName
        self.logger = logger
    }
}
