import Foundation

/// Negotiate/NTLM authentication and MS-WSMV message protection for one HTTP connection, as a plain value.
///
/// The server keeps one per TCP connection, feeds it every request's `Authorization` header, `Content-Type`
/// and body, and performs the returned ``RequestAction``; responses to encrypted requests go through
/// ``sealResponse(_:originalContentType:)``. This puts the rules of the handshake in one place (see
/// docs/ntlm.md): the 401/200 sequence, the final SPNEGO token on the 200, the empty-body setup request,
/// decrypting requests and encrypting the answers to encrypted requests, refusing plaintext when configured.
public struct NegotiateConnection: Sendable {
    /// What to do with one request.
    public enum RequestAction: Sendable {
        /// The header is another scheme (e.g. Basic): not for this value to decide.
        case notNegotiate
        /// Answer 401 with an empty body and `WWW-Authenticate: <value>` (a handshake leg).
        case challenge(wwwAuthenticate: String)
        /// Answer 401 with an empty body and a bare `WWW-Authenticate: Negotiate` (plus Basic if enabled): no
        /// credentials on an unauthenticated connection, or a handshake that failed (`error` is for the log).
        case unauthorized(NTLMError?)
        /// Serve the request.
        case serve(Request)
        /// Refuse with 400 and close the connection: an encrypted body that does not decrypt (the RC4 streams
        /// are out of step from here on), or plaintext refused by policy.
        case refuse(NTLMError)
    }

    /// An authenticated request to serve.
    public struct Request: Sendable {
        /// Who the connection is authenticated as.
        public var identity: NTLMIdentity
        /// The SOAP request, decrypted if it came encrypted; empty for the setup request of encrypting clients
        /// (answer `200` with `Content-Length: 0`).
        public var body: [UInt8]
        /// The request's content type before encryption (nil when it had none).
        public var contentType: String?
        /// When set, add `WWW-Authenticate: <value>` to the response (SPNEGO's final token: required).
        public var wwwAuthenticate: String?
        /// The request came encrypted: its response must go through
        /// ``NegotiateConnection/sealResponse(_:originalContentType:)``.
        public var encryptResponse: Bool
    }

    /// WinRM's `Service/AllowUnencrypted`: whether an authenticated client may send plaintext SOAP over HTTP.
    public var allowUnencrypted: Bool
    var acceptor: NTLMAcceptor
    private var session: NTLMSession?
    /// Who this connection is authenticated as, once a handshake completed.
    public private(set) var identity: NTLMIdentity?

    /// An unauthenticated connection.
    public init(configuration: NTLMAcceptor.Configuration, allowUnencrypted: Bool = true) {
        acceptor = NTLMAcceptor(configuration: configuration)
        self.allowUnencrypted = allowUnencrypted
    }

    /// Processes one request's authentication and, when authenticated, unwraps its body.
    public mutating func receive(
        authorization: String?, contentType: String?, body: [UInt8], now: Date = Date()
    ) -> RequestAction {
        var rng = SystemRandomNumberGenerator()
        return receive(authorization: authorization, contentType: contentType, body: body, now: now, using: &rng)
    }

    /// ``receive(authorization:contentType:body:now:)`` with a given generator for the server challenge.
    public mutating func receive(
        authorization: String?, contentType: String?, body: [UInt8], now: Date,
        using rng: inout some RandomNumberGenerator
    ) -> RequestAction {
        var finalHeader: String?
        if let authorization {
            let parsed: NegotiateAuthorization
            do {
                guard let value = try NegotiateAuthorization(authorization: authorization) else { return .notNegotiate }
                parsed = value
            } catch let error as NTLMError {
                forget()
                return .unauthorized(error)
            } catch {
                forget()
                return .unauthorized(nil)
            }
            switch acceptor.receive(parsed.token, now: now, using: &rng) {
            case .challenge(let token):
                forget()
                return .challenge(
                    wwwAuthenticate: NegotiateAuthorization.wwwAuthenticate(scheme: parsed.scheme, token: token))
            case .rejected(let error):
                forget()
                return .unauthorized(error)
            case .accepted(let identity, let finalToken, let session):
                self.identity = identity
                self.session = session
                finalHeader = finalToken.map {
                    NegotiateAuthorization.wwwAuthenticate(scheme: parsed.scheme, token: $0)
                }
            }
        }
        guard let identity, var session else { return .unauthorized(nil) }

        if let contentType, EncryptedMessage.isEncrypted(contentType: contentType) {
            do {
                let decoded = try EncryptedMessage.decode(body: body, contentType: contentType, session: &session)
                self.session = session
                return .serve(
                    Request(
                        identity: identity, body: decoded.plaintext, contentType: decoded.originalContentType,
                        wwwAuthenticate: finalHeader, encryptResponse: true))
            } catch let error as NTLMError {
                forget()
                return .refuse(error)
            } catch {
                forget()
                return .refuse(NTLMError.malformedEncryptedMessage.detail("\(error)"))
            }
        }
        guard body.isEmpty || allowUnencrypted else {
            forget()
            return .refuse(NTLMError.unsupported.detail("unencrypted request while AllowUnencrypted is false"))
        }
        return .serve(
            Request(
                identity: identity, body: body, contentType: contentType, wwwAuthenticate: finalHeader,
                encryptResponse: false))
    }

    /// Encrypts the response to an encrypted request; returns the body and the exact Content-Type to send.
    public mutating func sealResponse(
        _ body: [UInt8], originalContentType: String = EncryptedMessage.soapContentType
    ) throws -> (body: [UInt8], contentType: String) {
        guard var session else { throw NTLMError.unexpectedToken.detail("no authenticated session on this connection") }
        defer { self.session = session }
        return try EncryptedMessage.encode(body, originalContentType: originalContentType, session: &session)
    }

    private mutating func forget() {
        session = nil
        identity = nil
    }
}
