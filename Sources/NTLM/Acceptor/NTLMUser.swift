/// An account the acceptor knows: NTLM proves knowledge of its password without sending it.
public struct NTLMUser: Hashable, Sendable {
    /// The account name; clients' spellings are matched case-insensitively.
    public var name: String
    /// The clear-text password; only its NT hash is ever used.
    public var password: String

    /// An account with its password.
    public init(name: String, password: String) {
        self.name = name
        self.password = password
    }
}

/// Who an accepted handshake authenticated.
public struct NTLMIdentity: Hashable, Sendable {
    /// The account name as configured (not as the client spelled it).
    public var userName: String
    /// The domain the client named (its proof is bound to it); may be empty.
    public var domainName: String
    /// The client's workstation name, informational.
    public var workstation: String

    /// An identity (built by the acceptor; public for tests and logging).
    public init(userName: String, domainName: String, workstation: String) {
        self.userName = userName
        self.domainName = domainName
        self.workstation = workstation
    }
}
