/// What serves a streaming route (host-to-host replication traffic under a path prefix): it gets the
/// request head as soon as it is authenticated and reads the body as it arrives, with back-pressure, so
/// a large upload needs memory for a few buffers only.
///
/// The body need not be read to the end: whatever the endpoint leaves is read and discarded before the
/// connection serves its next request.
public protocol StreamingEndpoint: Sendable {
    /// Answers one request whose body is streamed.
    func respond(to info: HTTPRequestInfo, body: HTTPRequestBody) async -> WSManHTTPResponse
}

/// A route for a `StreamingEndpoint`: every path equal to `pathPrefix` or below it (`pathPrefix/...`).
public struct StreamingRoute: Sendable {
    /// The path prefix, e.g. `/wmilab/replication`.
    public var pathPrefix: String
    /// The endpoint serving it.
    public var endpoint: any StreamingEndpoint
    /// Whether the endpoint authenticates its callers itself (the host-to-host replication endpoint):
    /// the server then skips its own Basic check, and `HTTPRequestInfo.user` is nil. Default false.
    public var authenticatesItself: Bool

    /// Creates a route; the prefix must start with `/` and must not cover `/wsman`.
    public init(
        pathPrefix: String, endpoint: any StreamingEndpoint, authenticatesItself: Bool = false
    ) throws(ServerError) {
        var prefix = pathPrefix
        while prefix.count > 1 && prefix.hasSuffix("/") { prefix.removeLast() }
        guard prefix.hasPrefix("/"), prefix != "/", prefix.lowercased() != "/wsman",
              !prefix.lowercased().hasPrefix("/wsman/")
        else { throw .invalidRoute(pathPrefix) }
        self.pathPrefix = prefix
        self.endpoint = endpoint
        self.authenticatesItself = authenticatesItself
    }

    func matches(_ path: Substring) -> Bool {
        // Paths are compared byte for byte, as servers compare them.
        guard path.utf8.starts(with: pathPrefix.utf8) else { return false }
        let rest = path.utf8.dropFirst(pathPrefix.utf8.count)
        return rest.first.map { $0 == UInt8(ascii: "/") } ?? true
    }
}
