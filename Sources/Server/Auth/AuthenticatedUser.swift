/// Who sent a request, once authentication succeeded.
public struct AuthenticatedUser: Sendable, Hashable {
    /// The configured account name (canonical spelling, no domain).
    public var name: String
    /// The domain the client wrote before `\`, if any (`.`, `LAB`, ...).
    public var domain: String?
    /// The scheme that authenticated the request.
    public var scheme: AuthenticationScheme

    /// Creates an authenticated identity.
    public init(name: String, domain: String? = nil, scheme: AuthenticationScheme) {
        self.name = name
        self.domain = domain
        self.scheme = scheme
    }
}

/// An HTTP authentication scheme the server speaks.
public enum AuthenticationScheme: String, Sendable, Hashable {
    /// RFC 7617 Basic.
    case basic = "Basic"
    /// SPNEGO or raw NTLM (MS-NLMP NTLMv2), bound to the connection that completed the handshake.
    case negotiate = "Negotiate"
}
