/// The addresses the server actually listens on (useful after asking for port 0).
public struct BoundAddresses: Sendable, Hashable {
    /// The plain HTTP listener, if configured.
    public var http: ListenAddress?
    /// The HTTPS listener, if configured.
    public var https: ListenAddress?

    /// Creates bound addresses.
    public init(http: ListenAddress?, https: ListenAddress?) {
        self.http = http
        self.https = https
    }
}
