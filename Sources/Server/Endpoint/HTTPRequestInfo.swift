/// Everything about a request except its body.
public struct HTTPRequestInfo: Sendable, Hashable {
    /// The HTTP method (`POST` for `/wsman`).
    public var method: String
    /// The request target as sent, e.g. `/wsman` or `/wsman?PSVersion=5.1`.
    public var uri: String
    /// The request headers, in the order received.
    public var headers: [HTTPHeaderField]
    /// Who sent it; nil only for an unauthenticated Identify (`WSMANIDENTIFY: unauthenticated`).
    public var user: AuthenticatedUser?
    /// The peer's address, `IP:PORT`, when known.
    public var remoteAddress: String?
    /// Whether the request came over the HTTPS listener.
    public var isSecure: Bool
    /// The DER bytes of the TLS client certificate (the leaf) the caller presented, when the HTTPS
    /// listener asks for one (`ServerTLSConfiguration.requestsClientCertificate`). Set for streaming
    /// routes only; nil otherwise.
    public var clientCertificate: [UInt8]? = nil

    /// Creates request information.
    public init(
        method: String,
        uri: String,
        headers: [HTTPHeaderField],
        user: AuthenticatedUser?,
        remoteAddress: String?,
        isSecure: Bool
    ) {
        self.method = method
        self.uri = uri
        self.headers = headers
        self.user = user
        self.remoteAddress = remoteAddress
        self.isSecure = isSecure
    }

    /// The path part of `uri` (without the query).
    public var path: Substring { Self.path(of: uri) }

    /// The path part of a request target (without the query).
    static func path(of uri: String) -> Substring {
        uri[..<(uri.utf8.firstIndex(of: UInt8(ascii: "?")) ?? uri.endIndex)]
    }
}
