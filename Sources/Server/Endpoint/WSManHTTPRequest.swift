/// A complete `/wsman` request, handed to the `WSManEndpoint`.
public struct WSManHTTPRequest: Sendable, Hashable {
    /// Method, target, headers, user and peer.
    public var info: HTTPRequestInfo
    /// The request body (the SOAP envelope, or an MS-WSMV `multipart/encrypted` body), at most
    /// `ServerLimits.maxEnvelopeSize` bytes.
    public var body: [UInt8]

    /// Creates a request.
    public init(info: HTTPRequestInfo, body: [UInt8]) {
        self.info = info
        self.body = body
    }

    /// The authenticated user; nil only for an unauthenticated Identify.
    public var user: AuthenticatedUser? { info.user }

    /// Whether the client asked for an unauthenticated Identify (`WSMANIDENTIFY: unauthenticated`).
    public var isUnauthenticatedIdentify: Bool {
        info.headers.first(named: "WSMANIDENTIFY")?.lowercased() == "unauthenticated"
    }
}
