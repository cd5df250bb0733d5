import Logging
import NIOCore
import NIOHTTP1
import NTLM

/// The requests of one connection, as a value: request parts and what became of earlier actions go in, the
/// next thing the connection must do comes out. `HTTPConnectionHandler` feeds it and carries out its actions
/// (writes, reads, endpoint calls, the streamed body, closing); it has no channel and does no I/O beyond its log
/// lines. Two shared things are consulted in place because their answer decides the transition: the
/// `OperationGate`, where a request takes its user's slot (giving it back is an action), and the endpoint's
/// rendering of a transport fault (`WSManEndpoint.respond(to:for:)`).
///
/// Requests are served one at a time, in order: parts that arrive while one is being answered are queued and
/// replayed once it is (`nextAction()`); reading is held back while the queue is long or a streamed body's buffer
/// is full. For each request it checks the route, method, credentials (`AuthenticationStateMachine`), content
/// type and the user's operation slot, and gathers a `/wsman` body within `ServerLimits.maxEnvelopeSize`.
///
/// Driving it: `.startRequest` and `.write` are answered with the event they name, which returns the next
/// action; after any other action (and a `.feedStream` whose refusal was reported), `nextAction()` says what is
/// due, until it returns `.none`.
struct HTTPConnectionStateMachine {
    /// What every connection of a listener shares.
    struct Configuration: Sendable {
        var routes: ServerRoutes
        var users: [ServerUser]
        /// The NTLM accounts and server names for Negotiate; nil to offer Basic only.
        var negotiate: NTLMAcceptor.Configuration? = nil
        var limits: ServerLimits
        var gate: OperationGate
        var isSecure: Bool
        var logger: Logger
    }

    /// What the connection must do next.
    enum Action {
        /// Nothing now.
        case none
        /// Mark the connection busy, then hand the head back with `requestStarted(_:remoteAddress:)`.
        case startRequest(HTTPRequestHead)
        /// Write and flush the interim `100 Continue`.
        case writeContinue(HTTPVersion)
        /// Ask the endpoint to answer; its response goes to `endpointResponded(_:exchange:)`, written no earlier
        /// than the event loop's next turn.
        case callEndpoint(any WSManEndpoint, WSManHTTPRequest, exchange: Int)
        /// Make the request's streamed body (write `100 Continue` first when `continueVersion` is set) and run the
        /// endpoint with it; its response goes to `endpointResponded(_:exchange:)`, the reader's demand and
        /// termination to `streamDemand(exchange:)` and `streamTerminated(exchange:)`.
        case startStreaming(any StreamingEndpoint, HTTPRequestInfo, exchange: Int, continueVersion: HTTPVersion?)
        /// Yield a chunk to the streamed body; report a full buffer with `streamBufferFull()`, a body nobody reads
        /// any more with `streamDropped()`.
        case feedStream(ByteBuffer)
        /// Finish the streamed body and let go of it (no more chunks come; finishing has no effect on a body whose
        /// reader already left), then ask for a read when `thenRead`.
        case finishStream(thenRead: Bool)
        /// Write and flush a response, closing the connection after it unless `keepAlive` (which the connection
        /// may still refuse), give back `releasingSlot`, then report with `responseWritten(keepAlive:)`.
        case write(WSManHTTPResponse, keepAlive: Bool, releasingSlot: String?)
        /// Give back an operation slot.
        case releaseSlot(String)
        /// Pass on a read that was held back.
        case read
        /// The connection is broken: fail a streamed body being fed, give back `releasingSlot`, close the channel.
        case close(releasingSlot: String?)
    }

    /// The request being served, from its head until its response is written.
    private struct Exchange {
        var id: Int
        var keepAlive: Bool
        /// The user's operation slot, once taken (released after the response).
        var gateKey: String?
        /// An endpoint call is running for it.
        var endpointRunning = false
        /// Negotiate decides it once its body is read.
        var negotiates = false
    }

    private enum State {
        /// Waiting for the next request head.
        case idle
        /// Gathering a `/wsman` body into `envelope` (or discarding it once `envelopeIsTooLarge`).
        case readingEnvelope(HTTPRequestInfo, any WSManEndpoint)
        /// Discarding the body of a refused request, then answering `response`; beyond the envelope limit the
        /// answer goes out at once and the connection closes.
        case refusing(WSManHTTPResponse, seen: Int)
        /// Feeding a body to a streaming endpoint (`feedsBody` until it ends or nobody reads it); the endpoint's
        /// response, once given, waits for the body's end.
        case streaming(feedsBody: Bool, response: WSManHTTPResponse?)
        /// The whole request is in; the endpoint's answer is awaited.
        case awaitingResponse
        /// The connection is closing or closed: input is ignored.
        case closed
    }

    /// Queued request parts beyond which reading stops until the queue drains.
    static let maxQueuedParts = 16

    private let configuration: Configuration
    private var state = State.idle
    private var exchange: Exchange?
    private var nextExchangeID = 0
    private var authentication: AuthenticationStateMachine
    private var envelope: [UInt8] = []
    /// The body being read passed the envelope limit: the rest of it is discarded. Apart from the state so that a
    /// body part need not copy the state's payload.
    private var envelopeIsTooLarge = false
    /// Parts that arrived while a request was being answered, in order.
    private var queued = CircularBuffer<HTTPServerRequestPart>()
    /// Queued parts are being replayed (`nextAction()`).
    private var isReplaying = false
    /// The streaming endpoint's body buffer is full.
    private var streamIsPaused = false
    /// A read was asked for while reading was held back.
    private var readPending = false
    private var lastGateKey: (name: String, key: String)?

    init(configuration: Configuration) {
        self.configuration = configuration
        self.authentication = AuthenticationStateMachine(
            users: configuration.users, negotiate: configuration.negotiate
        )
    }

    // MARK: - Events

    /// A request part arrived from the decoder.
    mutating func received(_ part: HTTPServerRequestPart) -> Action {
        if !queued.isEmpty || !acceptsInput {
            if case .closed = state { return .none }
            queued.append(part)
            return .none
        }
        return handle(part)
    }

    /// The channel wants to read: `.read` to pass it on, `.none` while reading is held back.
    mutating func readRequested() -> Action {
        if readsHeldBack {
            readPending = true
            return .none
        }
        return .read
    }

    /// What is due once the last action was performed: the next queued part's action, or a read held back while
    /// they queued; `.none` when nothing is.
    mutating func nextAction() -> Action {
        guard isReplaying else { return .none }
        while acceptsInput, let part = queued.popFirst() {
            let action = handle(part)
            if case .none = action { continue }
            return action
        }
        isReplaying = false
        return resumeReadingIfPossible()
    }

    /// The connection began the request `head` announced by `.startRequest`: route, authenticate, admit.
    mutating func requestStarted(_ head: HTTPRequestHead, remoteAddress: String?) -> Action {
        guard case .idle = state else { return .none }
        nextExchangeID &+= 1
        exchange = Exchange(id: nextExchangeID, keepAlive: head.isKeepAlive)
        let fields = RequestHeaderFields(head.headers)
        var info = HTTPRequestInfo(
            method: head.method.rawValue,
            uri: head.uri,
            headers: fields.all,
            user: nil,
            remoteAddress: remoteAddress,
            isSecure: configuration.isSecure
        )
        guard let route = configuration.routes.route(for: info.path) else {
            return refuse(WSManHTTPResponse(status: 404))
        }
        var isWSMan = false
        var authenticatesItself = false
        switch route {
        case .wsman: isWSMan = true
        case .streaming(let streamingRoute): authenticatesItself = streamingRoute.authenticatesItself
        }
        if isWSMan, head.method != .POST {
            return refuse(.init(status: 405, headers: [.init(name: "Allow", value: "POST")]))
        }
        let identifyProbe = isWSMan && fields.wsmanIdentify?.lowercased() == "unauthenticated"
        let decision: AuthenticationStateMachine.Action = authenticatesItself
            ? .proceed(nil)
            : authentication.requestReceived(
                authorization: fields.authorization,
                unauthenticatedIdentify: identifyProbe,
                bodyFollows: isWSMan
            )
        switch decision {
        case .challenge(let schemes):
            configuration.logger.debug("authentication refused", metadata: ["peer": "\(remoteAddress ?? "?")"])
            let headers = schemes.map { HTTPHeaderField(name: "WWW-Authenticate", value: $0) }
            return refuse(.init(status: 401, headers: headers))
        case .proceed(let user):
            info.user = user
        case .negotiate:
            exchange?.negotiates = true
        }
        let negotiates = exchange?.negotiates == true
        if isWSMan, !(negotiates && Self.isEmptyHandshakeLeg(fields)),
           !Self.isAcceptedContentType(fields.contentType) {
            return refuse(.init(status: 415))
        }

        // Callers of a self-authenticating route share one slot count, apart from any user's.
        let userKey = info.user.map { gateKey(for: $0.name) } ?? (authenticatesItself ? "\u{1}streaming" : "")
        // A Negotiate request's user is known once its body is read: its slot is taken then.
        guard negotiates || configuration.gate.tryAcquire(userKey) else {
            let limit = configuration.limits.maxConcurrentOperationsPerUser
            switch route {
            case .wsman(let endpoint):
                let fault = WSManTransportFault.quotaLimit(maxConcurrentOperations: limit)
                return refuse(endpoint.respond(to: fault, for: info))
            case .streaming:
                return refuse(.init(status: 503))
            }
        }
        if !negotiates { exchange?.gateKey = userKey }

        let continueVersion = fields.expect?.lowercased() == "100-continue" ? head.version : nil
        switch route {
        case .wsman(let endpoint):
            let limit = configuration.limits.maxEnvelopeSize
            let declared = fields.contentLength.flatMap { Int($0) }
            envelopeIsTooLarge = declared.map { $0 > limit } ?? false
            if !envelopeIsTooLarge {
                envelope = []
                envelope.reserveCapacity(declared ?? 0)
            }
            state = .readingEnvelope(info, endpoint)
            return continueVersion.map(Action.writeContinue) ?? .none
        case .streaming(let streamingRoute):
            guard let id = exchange?.id else { return .none }
            exchange?.endpointRunning = true
            state = .streaming(feedsBody: true, response: nil)
            return .startStreaming(streamingRoute.endpoint, info, exchange: id, continueVersion: continueVersion)
        }
    }

    /// The endpoint answered the request `id`.
    mutating func endpointResponded(_ response: WSManHTTPResponse, exchange id: Int) -> Action {
        guard var exchange, exchange.id == id else { return .none }
        exchange.endpointRunning = false
        self.exchange = exchange
        switch state {
        case .awaitingResponse:
            return answer(response)
        case .streaming(let feedsBody, nil):
            // Whatever the endpoint left of the body is read and discarded before the answer goes out.
            streamIsPaused = false
            state = .streaming(feedsBody: false, response: response)
            let read = resumeReadingIfPossible()
            guard feedsBody else { return read }
            return .finishStream(thenRead: read.isRead)
        case .closed:
            return takeSlot().map(Action.releaseSlot) ?? .none
        case .idle, .readingEnvelope, .refusing, .streaming:
            return .none  // never: a response is awaited only in the states above
        }
    }

    /// The response of the last `.write` is written; `keepAlive` says whether the connection stays open.
    mutating func responseWritten(keepAlive: Bool) -> Action {
        guard keepAlive else {
            state = .closed
            queued.removeAll()
            return .none
        }
        state = .idle
        // Answered while replaying: the replay goes on with `nextAction()`.
        if isReplaying { return resumeReadingIfPossible() }
        isReplaying = true
        return .none
    }

    /// The streamed body's buffer is full: reading stops until the reader wants more.
    mutating func streamBufferFull() {
        streamIsPaused = true
    }

    /// The streamed body has nobody reading it any more: the rest of it is discarded.
    mutating func streamDropped() {
        if case .streaming(true, let response) = state { state = .streaming(feedsBody: false, response: response) }
    }

    /// The reader of the body of request `id` wants more.
    mutating func streamDemand(exchange id: Int) -> Action {
        guard let exchange, exchange.id == id else { return .none }
        streamIsPaused = false
        return resumeReadingIfPossible()
    }

    /// The reader of the body of request `id` stopped reading: the rest is discarded as it comes.
    mutating func streamTerminated(exchange id: Int) -> Action {
        guard let exchange, exchange.id == id else { return .none }
        streamIsPaused = false
        let read = resumeReadingIfPossible()
        guard case .streaming(true, let response) = state else { return read }
        state = .streaming(feedsBody: false, response: response)
        return .finishStream(thenRead: read.isRead)
    }

    /// The connection closed or failed: input is ignored from here on. A running endpoint call keeps its slot
    /// until it answers (`endpointResponded(_:exchange:)` then gives it back).
    mutating func connectionClosed() -> Action {
        endConnection().map(Action.releaseSlot) ?? .none
    }

    // MARK: - Request parts

    private var acceptsInput: Bool {
        switch state {
        case .idle, .readingEnvelope, .refusing, .streaming, .closed: true
        case .awaitingResponse: false
        }
    }

    private var readsHeldBack: Bool {
        streamIsPaused || queued.count >= Self.maxQueuedParts
    }

    private mutating func handle(_ part: HTTPServerRequestPart) -> Action {
        // The state is switched on alone, and its payload bound only where it is used: a body part of an envelope
        // then copies nothing.
        switch state {
        case .closed:
            return .none
        case .idle:
            guard case .head(let head) = part else { return .none }  // stray parts of a request already answered
            return .startRequest(head)
        case .readingEnvelope:
            switch part {
            case .body(let chunk):
                gather(chunk)
                return .none
            case .end:
                return envelopeEnded()
            case .head:
                return brokenRequest()
            }
        case .refusing(let response, let seen):
            switch part {
            case .body(let chunk):
                let seen = seen + chunk.readableBytes
                if seen > configuration.limits.maxEnvelopeSize {
                    exchange?.keepAlive = false
                    return answer(response)
                }
                state = .refusing(response, seen: seen)
                return .none
            case .end:
                return answer(response)
            case .head:
                return brokenRequest()
            }
        case .streaming(let feedsBody, let response):
            switch part {
            case .body(let chunk):
                guard feedsBody, response == nil else { return .none }
                return .feedStream(chunk)
            case .end:
                streamIsPaused = false
                if let response { return answer(response) }
                state = .awaitingResponse
                return feedsBody ? .finishStream(thenRead: false) : .none
            case .head:
                return brokenRequest()
            }
        case .awaitingResponse:
            queued.append(part)
            return .none
        }
    }

    /// The decoder never starts a request inside another; treat it as a broken connection.
    private mutating func brokenRequest() -> Action {
        .close(releasingSlot: endConnection())
    }

    private mutating func gather(_ chunk: ByteBuffer) {
        guard !envelopeIsTooLarge else { return }
        if envelope.count + chunk.readableBytes > configuration.limits.maxEnvelopeSize {
            envelope = []
            envelopeIsTooLarge = true
        } else {
            chunk.withUnsafeReadableBytes { envelope.append(contentsOf: $0) }
        }
    }

    private mutating func envelopeEnded() -> Action {
        guard case .readingEnvelope(let info, let endpoint) = state else { return .none }
        if envelopeIsTooLarge {
            // A Negotiate connection cannot stay in step with a request it did not read.
            if exchange?.negotiates == true { exchange?.keepAlive = false }
            return answer(tooLargeFault(info, endpoint: endpoint))
        }
        let body = envelope
        envelope = []
        if exchange?.negotiates == true { return negotiated(info, endpoint: endpoint, body: body) }
        return call(endpoint, with: WSManHTTPRequest(info: info, body: body))
    }

    /// Answers a request refused before its body was wanted, once its body has been discarded; a body over the
    /// envelope limit is not read: the answer goes out at once and the connection is closed.
    private mutating func refuse(_ response: WSManHTTPResponse) -> Action {
        state = .refusing(response, seen: 0)
        return .none
    }

    private func tooLargeFault(_ info: HTTPRequestInfo, endpoint: any WSManEndpoint) -> WSManHTTPResponse {
        configuration.logger.debug("envelope too large", metadata: ["peer": "\(info.remoteAddress ?? "?")"])
        let fault = WSManTransportFault.encodingLimit(maxEnvelopeSize: configuration.limits.maxEnvelopeSize)
        return endpoint.respond(to: fault, for: info)
    }

    private mutating func call(_ endpoint: any WSManEndpoint, with request: WSManHTTPRequest) -> Action {
        guard let id = exchange?.id else { return .none }
        state = .awaitingResponse
        exchange?.endpointRunning = true
        return .callEndpoint(endpoint, request, exchange: id)
    }

    // MARK: - Negotiate

    /// The body of a request Negotiate decides has been read: answer the handshake leg, refuse, or serve it.
    private mutating func negotiated(
        _ info: HTTPRequestInfo, endpoint: any WSManEndpoint, body: [UInt8]
    ) -> Action {
        let authorization = info.headers.first(named: "Authorization")
        let contentType = info.headers.first(named: "Content-Type")
        let decision = authentication.negotiateBodyReceived(
            authorization: authorization, contentType: contentType, body: body)
        Self.logNegotiateDecision(decision, peer: info.remoteAddress, to: configuration.logger)
        switch decision {
        case .challenge(let values, _):
            let headers = values.map { HTTPHeaderField(name: "WWW-Authenticate", value: $0) }
            return answer(.init(status: 401, headers: headers))
        case .refuse:
            exchange?.keepAlive = false
            return answer(.init(status: 400))
        case .serve(let user, let body, let originalContentType):
            guard !body.isEmpty else { return answer(.init(status: 200)) }
            let info = Self.served(info, user: user, contentType: originalContentType)
            let key = gateKey(for: user.name)
            guard configuration.gate.tryAcquire(key) else {
                let limit = configuration.limits.maxConcurrentOperationsPerUser
                let fault = WSManTransportFault.quotaLimit(maxConcurrentOperations: limit)
                return answer(endpoint.respond(to: fault, for: info))
            }
            exchange?.gateKey = key
            return call(endpoint, with: WSManHTTPRequest(info: info, body: body))
        }
    }

    // MARK: - Responses

    /// The response to the current request, ready to write: with what Negotiate adds to it (final token,
    /// sealing). One that cannot be sealed or sent closes the connection instead.
    private mutating func answer(_ response: WSManHTTPResponse) -> Action {
        guard let exchange else { return .none }
        var response = response
        if exchange.negotiates {
            do {
                response = try authentication.negotiatedResponse(response)
            } catch {
                configuration.logger.error(
                    "response could not be sealed; connection closed", metadata: ["error": "\(error)"]
                )
                return .close(releasingSlot: endConnection())
            }
        }
        guard Self.areValidToSend(response) else {
            configuration.logger.error("an endpoint answered with a header that cannot be sent; connection closed")
            return .close(releasingSlot: endConnection())
        }
        return .write(response, keepAlive: exchange.keepAlive, releasingSlot: takeSlot())
    }

    // MARK: - Connection

    private mutating func resumeReadingIfPossible() -> Action {
        guard readPending, !readsHeldBack else { return .none }
        readPending = false
        return .read
    }

    /// The operation gate's key for a user: the lower-cased name, remembered for the connection's next request.
    private mutating func gateKey(for name: String) -> String {
        if let lastGateKey, lastGateKey.name == name { return lastGateKey.key }
        let key = name.lowercased()
        lastGateKey = (name, key)
        return key
    }

    /// The current request's slot, which the caller gives back.
    private mutating func takeSlot() -> String? {
        guard let key = exchange?.gateKey else { return nil }
        exchange?.gateKey = nil
        return key
    }

    /// Ignores input from here on; returns the slot to give back unless an endpoint call still holds it.
    private mutating func endConnection() -> String? {
        state = .closed
        queued.removeAll()
        envelope = []
        return exchange?.endpointRunning == true ? nil : takeSlot()
    }
}

extension HTTPConnectionStateMachine.Action {
    fileprivate var isRead: Bool {
        if case .read = self { return true }
        return false
    }
}
