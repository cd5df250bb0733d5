/// Per-connection HTTP authentication, as a value: a request's `Authorization` header goes in, what the
/// connection must do comes out. No I/O happens here.
///
/// Only Basic is accepted today; it is checked on every request, as HTTP.sys does. A `Negotiate` attempt
/// is answered with a challenge offering Basic. NTLM/SPNEGO is connection-bound (every leg on one TCP
/// connection), which is why this is per-connection state: an NTLM acceptor slots in as the
/// `negotiating` state and moves the connection to `authenticated`.
struct AuthenticationStateMachine {
    enum State: Hashable {
        /// No connection-bound identity (Basic requests are authenticated one at a time).
        case idle
        /// A connection-bound scheme completed its handshake.
        case authenticated(AuthenticatedUser)
    }

    enum Action: Hashable {
        /// Serve the request as this user (nil: the unauthenticated Identify probe).
        case proceed(AuthenticatedUser?)
        /// Answer 401 with an empty body and these `WWW-Authenticate` values, one header each.
        case challenge([String])
    }

    /// The schemes offered to a client that sent no usable credentials (wsman-wire.md §2.2).
    static let offeredSchemes = ["Negotiate", "Basic realm=\"WSMAN\""]

    private(set) var state: State = .idle
    private let users: [ServerUser]
    /// The last Basic header this connection got through with, and whom it named: clients send the same one on
    /// every request, and decoding and checking it again would give the same answer.
    private var lastBasic: (authorization: String, user: AuthenticatedUser)?

    init(users: [ServerUser]) {
        self.users = users
    }

    /// A request arrived with `authorization` (the raw header value, if any).
    ///
    /// - Parameter unauthenticatedIdentify: the request carries `WSMANIDENTIFY: unauthenticated`; it is
    ///   let through without credentials and the endpoint decides what an anonymous Identify reveals.
    mutating func requestReceived(authorization: String?, unauthenticatedIdentify: Bool) -> Action {
        if case .authenticated(let user) = state { return .proceed(user) }
        guard let authorization, !authorization.isEmpty else {
            return unauthenticatedIdentify ? .proceed(nil) : .challenge(Self.offeredSchemes)
        }
        if let lastBasic, lastBasic.authorization == authorization { return .proceed(lastBasic.user) }
        let (scheme, token) = Self.split(authorization)
        switch scheme.lowercased() {
        case "basic":
            guard let credentials = BasicCredentials(token: token),
                  let user = users.first(where: credentials.matches)
            else { return .challenge(Self.offeredSchemes) }
            let authenticated = AuthenticatedUser(name: user.name, domain: credentials.domain, scheme: .basic)
            lastBasic = (authorization, authenticated)
            return .proceed(authenticated)
        case "negotiate", "ntlm":
            return .challenge(["Basic realm=\"WSMAN\""])
        default:
            return .challenge(Self.offeredSchemes)
        }
    }

    private static func split(_ header: String) -> (scheme: Substring, token: Substring) {
        let value = header[...]
        guard let space = value.firstIndex(of: " ") else { return (value, "") }
        return (value[..<space], value[value.index(after: space)...])
    }
}
