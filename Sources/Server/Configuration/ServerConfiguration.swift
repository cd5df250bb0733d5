import NIOCore
import NIOPosix
import NTLM

/// How the server listens and whom it lets in.
public struct ServerConfiguration: Sendable {
    /// The plain HTTP listener. Default `127.0.0.1:5985`; nil for none.
    public var listen: ListenAddress?
    /// The HTTPS listener (`--https-listen`), nil for none. Needs `tls`.
    public var httpsListen: ListenAddress?
    /// The certificate and key for `httpsListen`.
    public var tls: ServerTLSConfiguration?
    /// Accounts accepted with Basic and with Negotiate/NTLM. Default: `labuser` / `LabPass1!`.
    public var users: [ServerUser]
    /// The host's NetBIOS-style name: NTLM's computer name, and its domain name too (a workgroup host).
    /// Clients may name any domain, as against a Windows workgroup host. Default `WMILAB`.
    public var hostName = "WMILAB"
    /// Size, concurrency and time limits.
    public var limits: ServerLimits
    /// The event loops to run on. Default: NIO's shared singleton group.
    public var eventLoopGroup: any EventLoopGroup

    /// Creates a configuration; every parameter has the documented default.
    public init(
        listen: ListenAddress? = .defaultHTTP,
        httpsListen: ListenAddress? = nil,
        tls: ServerTLSConfiguration? = nil,
        users: [ServerUser] = [.labDefault],
        limits: ServerLimits = ServerLimits(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.listen = listen
        self.httpsListen = httpsListen
        self.tls = tls
        self.users = users
        self.limits = limits
        self.eventLoopGroup = eventLoopGroup
    }

    /// What the NTLM acceptor of every connection is given: the users, and `hostName` upper-cased as both the
    /// computer and the domain name.
    var negotiateConfiguration: NTLMAcceptor.Configuration {
        let name = hostName.uppercased()
        return NTLMAcceptor.Configuration(
            users: users.map { NTLMUser(name: $0.name, password: $0.password) }, computerName: name, domainName: name
        )
    }
}
