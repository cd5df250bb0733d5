/// One HTTP header as received or to be sent.
public struct HTTPHeaderField: Sendable, Hashable {
    /// The header name as the client spelled it.
    public var name: String
    /// The header value.
    public var value: String

    /// Creates a header field.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

extension [HTTPHeaderField] {
    /// The first value of the header named `name` (case-insensitive), if any.
    public func first(named name: String) -> String? {
        first { $0.name.equalsIgnoringASCIICase(name) }?.value
    }
}
