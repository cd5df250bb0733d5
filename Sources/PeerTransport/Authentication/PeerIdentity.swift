/// Who called, as verified by the transport.
public struct PeerIdentity: Sendable, Hashable {
    /// The caller's host name: signed with the shared secret, or asserted over a TLS client certificate (the
    /// handler decides whether that certificate's thumbprint is the one configured for the host).
    public var hostName: String
    /// How the caller proved it.
    public var authentication: PeerAuthentication
    /// SHA-1 of the client certificate's DER bytes, upper-case hex as Windows shows thumbprints; set for
    /// `.certificate` only.
    public var certificateThumbprint: String?

    /// Creates an identity.
    public init(hostName: String, authentication: PeerAuthentication, certificateThumbprint: String? = nil) {
        self.hostName = hostName
        self.authentication = authentication
        self.certificateThumbprint = certificateThumbprint
    }
}
