import NTLM

/// Per-connection HTTP authentication, as a value: a request's `Authorization` header goes in, what the
/// connection must do comes out. No I/O happens here.
///
/// Basic is checked on every request, as HTTP.sys does. Negotiate/NTLM (when configured) is connection-bound:
/// every leg of the handshake arrives on one TCP connection, and once it completes the connection's later
/// requests are that user's. Because an MS-WSMV encrypted request can only be judged with its body, a
/// Negotiate request on `/wsman` is answered `.negotiate` here and decided by
/// ``negotiateBodyReceived(authorization:contentType:body:)`` once its body is read; the response to a request
/// served that way goes through ``negotiatedResponse(_:)`` (final SPNEGO token, sealing).
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
        /// Read the body, then ask `negotiateBodyReceived(authorization:contentType:body:)`.
        case negotiate
    }

    /// What to do with a request deferred by ``Action/negotiate``, its body read.
    enum NegotiateDecision: Hashable {
        /// Serve `body` (plaintext SOAP; empty for the setup request: answer 200 without a body) as `user`;
        /// `contentType` is the request's type before any encryption.
        case serve(AuthenticatedUser, body: [UInt8], contentType: String?)
        /// Answer 401 with an empty body and these `WWW-Authenticate` values; keep the connection.
        /// `reason` is for the log (nil for a handshake leg).
        case challenge([String], reason: NTLMError?)
        /// Answer 400 and close the connection (an encrypted body that does not decrypt: the connection's
        /// RC4 streams are out of step from here on).
        case refuse(NTLMError)
    }

    /// The schemes offered to a client that sent no usable credentials (wsman-wire.md §2.2).
    static let offeredSchemes = ["Negotiate", "Basic realm=\"WSMAN\""]

    private(set) var state: State = .idle
    private let users: [ServerUser]
    private let negotiateConfiguration: NTLMAcceptor.Configuration?
    /// The connection's Negotiate state, from its first Negotiate request on.
    private var negotiation: NegotiateConnection?
    /// How the response to the request being served must be finished, when it was served through Negotiate.
    private var pendingResponse: (wwwAuthenticate: String?, seal: Bool)?
    /// The last Basic header this connection got through with, and whom it named: clients send the same one on
    /// every request, and decoding and checking it again would give the same answer.
    private var lastBasic: (authorization: String, user: AuthenticatedUser)?

    /// - Parameter negotiate: the NTLM accounts and server names; nil to answer Negotiate attempts with the
    ///   Basic offer only.
    init(users: [ServerUser], negotiate: NTLMAcceptor.Configuration? = nil) {
        self.users = users
        self.negotiateConfiguration = negotiate
    }

    /// A request arrived with `authorization` (the raw header value, if any).
    ///
    /// - Parameters:
    ///   - unauthenticatedIdentify: the request carries `WSMANIDENTIFY: unauthenticated`; it is
    ///     let through without credentials and the endpoint decides what an anonymous Identify reveals.
    ///   - bodyFollows: the whole body is read before the request is served (`/wsman`), so Negotiate can
    ///     judge it: only then is `.negotiate` answered.
    mutating func requestReceived(
        authorization: String?, unauthenticatedIdentify: Bool, bodyFollows: Bool = false
    ) -> Action {
        pendingResponse = nil
        let negotiates = bodyFollows && negotiateConfiguration != nil
        guard let authorization, !authorization.isEmpty else {
            if case .authenticated(let user) = state { return negotiates ? .negotiate : .proceed(user) }
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
            return negotiates ? .negotiate : .challenge(["Basic realm=\"WSMAN\""])
        default:
            return .challenge(Self.offeredSchemes)
        }
    }

    /// The body of a request answered `.negotiate` has been read: run the handshake leg it carries, or
    /// unwrap it on the authenticated connection.
    mutating func negotiateBodyReceived(
        authorization: String?, contentType: String?, body: [UInt8]
    ) -> NegotiateDecision {
        guard let negotiateConfiguration else { return .challenge(Self.offeredSchemes, reason: nil) }
        // Taken out while it changes, so its session's buffers are not copied.
        var connection = negotiation ?? NegotiateConnection(configuration: negotiateConfiguration)
        negotiation = nil
        let action = connection.receive(authorization: authorization, contentType: contentType, body: body)
        negotiation = connection
        let user = connection.identity.map(Self.user(for:))
        state = user.map(State.authenticated) ?? .idle
        switch action {
        case .notNegotiate, .unauthorized(nil):
            return .challenge(Self.offeredSchemes, reason: nil)
        case .unauthorized(let error):
            return .challenge(Self.offeredSchemes, reason: error)
        case .challenge(let value):
            return .challenge([value], reason: nil)
        case .refuse(let error):
            return .refuse(error)
        case .serve(let request):
            pendingResponse = (request.wwwAuthenticate, request.encryptResponse)
            return .serve(Self.user(for: request.identity), body: request.body, contentType: request.contentType)
        }
    }

    /// Finishes the response to a request served through `negotiateBodyReceived(authorization:contentType:body:)`:
    /// adds the final SPNEGO token and seals the body when the request came encrypted. Any other response is
    /// returned as it is. Call it once per response, in sending order.
    mutating func negotiatedResponse(_ response: WSManHTTPResponse) throws -> WSManHTTPResponse {
        guard let pending = pendingResponse else { return response }
        pendingResponse = nil
        var response = response
        if let value = pending.wwwAuthenticate {
            response.headers.append(HTTPHeaderField(name: "WWW-Authenticate", value: value))
        }
        guard pending.seal, !response.body.isEmpty else { return response }
        guard var connection = negotiation else { throw NTLMError.unexpectedToken }
        negotiation = nil
        defer { negotiation = connection }
        let sealed = try connection.sealResponse(
            response.body, originalContentType: response.contentType ?? EncryptedMessage.soapContentType)
        response.body = sealed.body
        response.contentType = sealed.contentType
        return response
    }

    private static func user(for identity: NTLMIdentity) -> AuthenticatedUser {
        AuthenticatedUser(
            name: identity.userName, domain: identity.domainName.isEmpty ? nil : identity.domainName,
            scheme: .negotiate)
    }

    private static func split(_ header: String) -> (scheme: Substring, token: Substring) {
        let value = header[...]
        guard let space = value.firstIndex(of: " ") else { return (value, "") }
        return (value[..<space], value[value.index(after: space)...])
    }
}
