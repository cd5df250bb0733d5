/// How a host proves who it is to a peer (the `AuthenticationType` of a replication relationship).
public enum PeerAuthentication: Sendable, Hashable {
    /// AuthenticationType 1 (Kerberos on Windows): requests are signed with the lab's shared secret.
    case sharedSecret
    /// AuthenticationType 2: a TLS client certificate, so the peer must be reached over HTTPS.
    case certificate
}
