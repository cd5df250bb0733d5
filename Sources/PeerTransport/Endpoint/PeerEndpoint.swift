import Foundation
import Logging
import NIOCore
import Server

/// The server side of host-to-host replication traffic: a `StreamingEndpoint` for the route prefix
/// `/wmilab/replication` that authenticates peers itself (not with the WS-Man Basic users) and hands each request to
/// a `PeerRequestHandler`. The protocol is described in docs/peer-protocol.md.
///
/// Register it with `route()`, which marks the route as authenticating itself. Certificate authentication needs
/// the HTTPS listener to ask for client certificates (`ServerTLSConfiguration.requestsClientCertificate`).
public final class PeerEndpoint: StreamingEndpoint {
    /// The route prefix served.
    public static let pathPrefix = PeerWire.pathPrefix

    /// The shared secret every host of a lab uses when `wmilab serve --replication-secret` is not given. Anyone
    /// who knows it (it is documented) can replicate to the host: a lab default, not a protection.
    public static let defaultSecret = "wmilab-lab-replication-secret"

    /// How far a signed request's timestamp may be from this host's clock.
    public static let allowedClockSkewSeconds: Int64 = 300

    private let hostName: String
    private let secret: String
    private let handler: any PeerRequestHandler
    private let logger: Logger
    private let nonces = PeerNonceCache(window: allowedClockSkewSeconds)
    /// Seconds since 1970 (replaced in tests).
    let now: @Sendable () -> Int64

    /// Creates the endpoint of host `hostName`, checking signatures with `secret` and serving with `handler`.
    public convenience init(hostName: String, secret: String, handler: any PeerRequestHandler, logger: Logger) {
        self.init(hostName: hostName, secret: secret, handler: handler, logger: logger) {
            Int64(Date().timeIntervalSince1970)
        }
    }

    init(
        hostName: String, secret: String, handler: any PeerRequestHandler, logger: Logger,
        now: @escaping @Sendable () -> Int64
    ) {
        self.hostName = hostName
        self.secret = secret
        self.handler = handler
        self.logger = logger
        self.now = now
    }

    /// The streaming route to give `WSManHTTPServer(streamingRoutes:)`.
    public func route() throws(ServerError) -> StreamingRoute {
        try StreamingRoute(pathPrefix: Self.pathPrefix, endpoint: self, authenticatesItself: true)
    }

    /// How the caller claims to be authenticated, before the body is read.
    private enum Credential {
        case signed(PeerSignature)
        case certificate(hostName: String, thumbprint: String)
    }

    public func respond(to info: HTTPRequestInfo, body: HTTPRequestBody) async -> WSManHTTPResponse {
        guard let operation = PeerWire.operation(inPath: info.path).map({ String($0) }) else {
            return Self.reply(.protocolError("no such peer operation: \(info.path)"), status: 404)
        }
        guard info.method == "POST" else {
            return Self.reply(.protocolError("peer operations are POSTed"), status: 405)
        }
        let lengthText = info.headers.first(named: PeerWire.parametersLengthHeader) ?? "0"
        guard let parametersLength = Int(lengthText), (0...PeerWire.maxParametersSize).contains(parametersLength)
        else {
            return Self.reply(.protocolError(
                "\(PeerWire.parametersLengthHeader) must be a length from 0 to \(PeerWire.maxParametersSize)"
            ))
        }

        let credential: Credential
        switch authenticate(info) {
        case .success(let found): credential = found
        case .failure(let error): return refuse(error, info: info, operation: operation)
        }

        var iterator = body.makeAsyncIterator()
        let parameters: [UInt8]
        let leftover: [UInt8]
        do {
            (parameters, leftover) = try await Self.readParameters(length: parametersLength, from: &iterator)
        } catch {
            return Self.reply(error)
        }

        let identity: PeerIdentity
        switch credential {
        case .signed(let signature):
            guard signature.isValid(secret: secret, operation: operation, parameters: parameters) else {
                return refuse(.unauthorized("the request signature does not match"), info: info, operation: operation)
            }
            guard nonces.admit(signature.nonce, timestamp: signature.timestamp, now: now()) else {
                return refuse(.unauthorized("the request was replayed"), info: info, operation: operation)
            }
            identity = PeerIdentity(hostName: signature.hostName, authentication: .sharedSecret)
        case .certificate(let caller, let thumbprint):
            identity = PeerIdentity(hostName: caller, authentication: .certificate, certificateThumbprint: thumbprint)
        }

        logger.debug("peer request", metadata: ["operation": "\(operation)", "peer": "\(identity.hostName)"])
        do {
            let reply = try await handler.handle(
                operation: operation, parameters: parameters, body: PeerBody(leftover: leftover, rest: iterator),
                from: identity
            )
            return WSManHTTPResponse(status: 200, contentType: PeerWire.replyContentType, body: reply)
        } catch let error as PeerError {
            logger.debug("peer request refused", metadata: ["operation": "\(operation)", "error": "\(error)"])
            return Self.reply(error)
        } catch {
            logger.notice("peer request failed", metadata: ["operation": "\(operation)", "error": "\(error)"])
            return Self.reply(.refused(code: 32768, String(describing: error)))
        }
    }

    /// The credential a request carries, checked as far as it can be without its body.
    private func authenticate(_ info: HTTPRequestInfo) -> Result<Credential, PeerError> {
        if let authorization = info.headers.first(named: "Authorization") {
            guard let signature = PeerSignature(headerValue: authorization) else {
                return .failure(.unauthorized("the Authorization header is not a \(PeerSignature.scheme) credential"))
            }
            guard abs(signature.timestamp - now()) <= Self.allowedClockSkewSeconds else {
                return .failure(.unauthorized(
                    "the request timestamp is more than \(Self.allowedClockSkewSeconds) s from this host's clock"
                ))
            }
            guard PeerSignature.canonicalHost(signature.targetHost) == PeerSignature.canonicalHost(hostName) else {
                return .failure(.unauthorized("the request is signed for \(signature.targetHost), not \(hostName)"))
            }
            return .success(.signed(signature))
        }
        if let certificate = info.clientCertificate {
            guard let caller = info.headers.first(named: PeerWire.hostHeader).map({ String($0.trimmingWhitespace()) }),
                  !caller.isEmpty
            else {
                return .failure(.unauthorized("a certificate request must name its host in \(PeerWire.hostHeader)"))
            }
            return .success(.certificate(hostName: caller, thumbprint: PeerCertificate.thumbprint(ofDER: certificate)))
        }
        return .failure(.unauthorized("no credentials: sign the request or present a client certificate over HTTPS"))
    }

    /// Reads the parameters document at the start of the body; returns it and whatever followed it in the last
    /// chunk read.
    private static func readParameters(
        length: Int, from iterator: inout HTTPRequestBody.AsyncIterator
    ) async throws(PeerError) -> (parameters: [UInt8], leftover: [UInt8]) {
        var parameters: [UInt8] = []
        parameters.reserveCapacity(length)
        while parameters.count < length {
            let chunk: ByteBuffer?
            do {
                chunk = try await iterator.next()
            } catch {
                throw .protocolError("the request ended inside its parameters")
            }
            guard let chunk else { throw .protocolError("the body is shorter than its parameters") }
            let bytes = chunk.readableBytesView
            let wanted = min(length - parameters.count, bytes.count)
            parameters.append(contentsOf: bytes.prefix(wanted))
            if wanted < bytes.count { return (parameters, Array(bytes.dropFirst(wanted))) }
        }
        return (parameters, [])
    }

    private func refuse(_ error: PeerError, info: HTTPRequestInfo, operation: String) -> WSManHTTPResponse {
        logger.notice("peer request not authenticated", metadata: [
            "operation": "\(operation)", "from": "\(info.remoteAddress ?? "?")", "reason": "\(error.message)",
        ])
        var response = Self.reply(error)
        response.headers.append(HTTPHeaderField(name: "WWW-Authenticate", value: PeerSignature.scheme))
        return response
    }

    /// An error reply: the error's status (or `status`) and its JSON form.
    private static func reply(_ error: PeerError, status: Int? = nil) -> WSManHTTPResponse {
        let (errorStatus, wire) = error.wireForm
        let body = (try? JSONEncoder().encode(wire)).map { Array($0) } ?? []
        return WSManHTTPResponse(status: status ?? errorStatus, contentType: PeerWire.replyContentType, body: body)
    }
}
