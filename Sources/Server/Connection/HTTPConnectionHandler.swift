import Logging
import NIOCore
import NIOHTTP1
import NTLM

/// Serves the requests of one connection on its event loop, after the HTTP codec and the timeout handler.
///
/// Requests are served one at a time, in order: parts of a pipelined request that arrive while one is being
/// served wait in a queue (reading stops while it is long). For each request the handler checks the route,
/// method, credentials, content type and the user's operation slot, answers `Expect: 100-continue`, gathers a
/// `/wsman` body (at most `ServerLimits.maxEnvelopeSize`) and hands the request to the endpoint; a streaming
/// route gets its body as it arrives, paced by the endpoint (reading stops while its buffer is full).
/// The endpoints are `async`: their calls run in a task that prefers this channel's event loop, and a
/// `WSManEndpoint` that can answer without suspending (`reply(to:)`) is answered without one. Either answer is
/// written once the event loop has finished reading what else was ready (one flush per response).
final class HTTPConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

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

    /// The request being served, from its head until its response is written.
    private struct Exchange {
        var id: Int
        var keepAlive: Bool
        /// The user's operation slot, once taken (released after the response).
        var gateKey: String?
        /// An endpoint call is running for it.
        var endpointRunning = false
        /// Negotiate decides it once its body is read (`negotiated(_:endpoint:body:context:)`).
        var negotiates = false
    }

    private enum State {
        /// Waiting for the next request head.
        case idle
        /// Gathering a `/wsman` body into `envelope`; `tooLarge` once it passed the limit (the rest is discarded).
        case readingEnvelope(HTTPRequestInfo, any WSManEndpoint, tooLarge: Bool)
        /// Discarding the body of a refused request, then answering `response`; beyond the envelope limit the
        /// answer goes out at once and the connection closes.
        case refusing(WSManHTTPResponse, seen: Int)
        /// Feeding a body to a streaming endpoint; its response, once given, waits for the body's end.
        case streaming(StreamingBodySource?, response: WSManHTTPResponse?)
        /// The whole request is in; the endpoint's answer is awaited.
        case awaitingResponse
        /// The connection is closing or closed: input is ignored.
        case closed
    }

    private static let serverHeader = "Microsoft-HTTPAPI/2.0"
    /// Queued request parts beyond which reading stops until the queue drains.
    private static let maxQueuedParts = 16

    private let configuration: Configuration
    private let lifecycle: ConnectionLifecycle
    private var context: ChannelHandlerContext?
    private var taskExecutor: (any TaskExecutor)?
    private var state = State.idle
    private var exchange: Exchange?
    private var nextExchangeID = 0
    private var authentication: AuthenticationStateMachine
    private var envelope: [UInt8] = []
    /// Parts that arrived while a request was being answered, in order.
    private var queued = CircularBuffer<HTTPServerRequestPart>()
    private var isProcessingQueue = false
    /// The streaming endpoint's body buffer is full.
    private var streamIsPaused = false
    /// A read was asked for while reading was held back.
    private var readPending = false
    private var remoteAddress: String??
    private var lastGateKey: (name: String, key: String)?

    init(configuration: Configuration, lifecycle: ConnectionLifecycle) {
        self.configuration = configuration
        self.lifecycle = lifecycle
        self.authentication = AuthenticationStateMachine(
            users: configuration.users, negotiate: configuration.negotiate
        )
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if #available(macOS 15.0, *) {
            taskExecutor = EventLoopTaskExecutor(context.eventLoop)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        connectionEnded()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        connectionEnded()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        configuration.logger.debug(
            "connection ended", metadata: ["peer": "\(peer(context) ?? "?")", "error": "\(error)"]
        )
        connectionEnded()
        context.close(promise: nil)
    }

    func read(context: ChannelHandlerContext) {
        if readsHeldBack {
            readPending = true
        } else {
            context.read()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if !queued.isEmpty || !acceptsInput {
            if case .closed = state { return }
            queued.append(part)
            return
        }
        handle(part, context: context)
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

    private func handle(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch (state, part) {
        case (.closed, _):
            return
        case (.idle, .head(let head)):
            begin(head, context: context)
        case (.idle, .body), (.idle, .end):
            return  // stray parts of a request already answered
        case (.readingEnvelope(let info, let endpoint, let tooLarge), .body(let chunk)):
            guard !tooLarge else { return }
            if envelope.count + chunk.readableBytes > configuration.limits.maxEnvelopeSize {
                envelope = []
                state = .readingEnvelope(info, endpoint, tooLarge: true)
            } else {
                envelope.append(contentsOf: chunk.readableBytesView)
            }
        case (.readingEnvelope(let info, let endpoint, let tooLarge), .end):
            if tooLarge {
                // A Negotiate connection cannot stay in step with a request it did not read.
                if exchange?.negotiates == true { exchange?.keepAlive = false }
                answer(tooLargeFault(info, endpoint: endpoint), context: context)
            } else if exchange?.negotiates == true {
                let body = envelope
                envelope = []
                negotiated(info, endpoint: endpoint, body: body, context: context)
            } else {
                let body = envelope
                envelope = []
                call(endpoint, with: WSManHTTPRequest(info: info, body: body), context: context)
            }
        case (.refusing(let response, let seen), .body(let chunk)):
            let seen = seen + chunk.readableBytes
            if seen > configuration.limits.maxEnvelopeSize {
                exchange?.keepAlive = false
                answer(response, context: context)
            } else {
                state = .refusing(response, seen: seen)
            }
        case (.refusing(let response, _), .end):
            answer(response, context: context)
        case (.streaming(let source, let response), .body(let chunk)):
            guard let source, response == nil else { return }
            switch source.yield(chunk) {
            case .produceMore: break
            case .stopProducing: streamIsPaused = true
            case .dropped: state = .streaming(nil, response: nil)
            }
        case (.streaming(let source, let response), .end):
            source?.finish()
            streamIsPaused = false
            if let response {
                answer(response, context: context)
            } else {
                state = .awaitingResponse
            }
        case (.awaitingResponse, _):
            queued.append(part)
        case (_, .head):
            // The decoder never starts a request inside another; treat it as a broken connection.
            connectionEnded()
            context.close(promise: nil)
        }
    }

    /// A request head arrived while idle: route, authenticate, admit.
    private func begin(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        lifecycle.beginRequest()
        nextExchangeID &+= 1
        exchange = Exchange(id: nextExchangeID, keepAlive: head.isKeepAlive)
        var info = HTTPRequestInfo(
            method: head.method.rawValue,
            uri: head.uri,
            headers: head.headers.map { HTTPHeaderField(name: $0.name, value: $0.value) },
            user: nil,
            remoteAddress: peer(context),
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
        let identifyProbe = isWSMan && head.headers.first(name: "WSMANIDENTIFY")?.lowercased() == "unauthenticated"
        let action: AuthenticationStateMachine.Action = authenticatesItself
            ? .proceed(nil)
            : authentication.requestReceived(
                authorization: head.headers.first(name: "Authorization"),
                unauthenticatedIdentify: identifyProbe,
                bodyFollows: isWSMan
            )
        switch action {
        case .challenge(let schemes):
            configuration.logger.debug("authentication refused", metadata: ["peer": "\(info.remoteAddress ?? "?")"])
            let headers = schemes.map { HTTPHeaderField(name: "WWW-Authenticate", value: $0) }
            return refuse(.init(status: 401, headers: headers))
        case .proceed(let user):
            info.user = user
        case .negotiate:
            exchange?.negotiates = true
        }
        let negotiates = exchange?.negotiates == true
        if isWSMan, !(negotiates && Self.isEmptyHandshakeLeg(head)),
           !Self.isAcceptedContentType(head.headers.first(name: "Content-Type")) {
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

        if head.headers.first(name: "Expect")?.lowercased() == "100-continue" {
            context.writeAndFlush(
                wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))), promise: nil
            )
        }

        switch route {
        case .wsman(let endpoint):
            let limit = configuration.limits.maxEnvelopeSize
            let declared = head.headers.first(name: "Content-Length").flatMap { Int($0) }
            if let declared, declared > limit {
                state = .readingEnvelope(info, endpoint, tooLarge: true)
            } else {
                envelope = []
                envelope.reserveCapacity(declared ?? 0)
                state = .readingEnvelope(info, endpoint, tooLarge: false)
            }
        case .streaming(let streamingRoute):
            startStreaming(streamingRoute.endpoint, info: info, context: context)
        }
    }

    /// Answers a request refused before its body was wanted, once its body has been discarded; a body over the
    /// envelope limit is not read: the answer goes out at once and the connection is closed.
    private func refuse(_ response: WSManHTTPResponse) {
        state = .refusing(response, seen: 0)
    }

    private func tooLargeFault(_ info: HTTPRequestInfo, endpoint: any WSManEndpoint) -> WSManHTTPResponse {
        configuration.logger.debug("envelope too large", metadata: ["peer": "\(info.remoteAddress ?? "?")"])
        let fault = WSManTransportFault.encodingLimit(maxEnvelopeSize: configuration.limits.maxEnvelopeSize)
        return endpoint.respond(to: fault, for: info)
    }

    // MARK: - Endpoint calls

    private func call(_ endpoint: any WSManEndpoint, with request: WSManHTTPRequest, context: ChannelHandlerContext) {
        switch endpoint.reply(to: request) {
        case .now(let response):
            // Written once the event loop has read what else is ready, as a task's answer would be.
            guard let id = exchange?.id else { return }
            state = .awaitingResponse
            exchange?.endpointRunning = true
            let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
            context.eventLoop.execute { loopBound.value.responded(response, exchange: id) }
        case .later(let respond):
            state = .awaitingResponse
            run(context: context) { await respond() }
        }
    }

    private func startStreaming(
        _ endpoint: any StreamingEndpoint, info: HTTPRequestInfo, context: ChannelHandlerContext
    ) {
        guard let id = exchange?.id else { return }
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let events = StreamingBodyEvents(eventLoop: context.eventLoop) { event in
            let handler = loopBound.value
            guard let current = handler.exchange, current.id == id else { return }
            switch event {
            case .demand:
                handler.streamIsPaused = false
            case .terminated:
                // The endpoint stopped reading: the rest is discarded as it comes.
                handler.streamIsPaused = false
                if case .streaming(_, let response) = handler.state {
                    handler.state = .streaming(nil, response: response)
                }
            }
            handler.resumeReadingIfPossible()
        }
        let (body, source) = HTTPRequestBody.make(events: events)
        state = .streaming(source, response: nil)
        let isSecure = configuration.isSecure
        let channel = context.channel
        run(context: context) {
            var info = info
            if isSecure { info.clientCertificate = await HTTPConnectionHandler.clientCertificate(of: channel) }
            return await endpoint.respond(to: info, body: body)
        }
    }

    /// Runs an endpoint call in a task on this channel's event loop and delivers its response here.
    private func run(context: ChannelHandlerContext, _ respond: @escaping @Sendable () async -> WSManHTTPResponse) {
        guard let id = exchange?.id else { return }
        exchange?.endpointRunning = true
        let eventLoop = context.eventLoop
        let loopBound = NIOLoopBound(self, eventLoop: eventLoop)
        let operation: @Sendable () async -> Void = {
            let response = await respond()
            if eventLoop.inEventLoop {
                loopBound.value.responded(response, exchange: id)
            } else {
                eventLoop.execute { loopBound.value.responded(response, exchange: id) }
            }
        }
        if #available(macOS 15.0, *), let taskExecutor {
            Task(executorPreference: taskExecutor, operation: operation)
        } else {
            Task(operation: operation)
        }
    }

    /// The endpoint answered the request `id`.
    private func responded(_ response: WSManHTTPResponse, exchange id: Int) {
        guard var exchange, exchange.id == id else { return }
        exchange.endpointRunning = false
        self.exchange = exchange
        guard let context else { return releaseSlot() }
        switch state {
        case .awaitingResponse:
            answer(response, context: context)
        case .streaming(let source, nil):
            // Whatever the endpoint left of the body is read and discarded before the answer goes out.
            source?.finish()
            streamIsPaused = false
            state = .streaming(nil, response: response)
            resumeReadingIfPossible()
        case .closed:
            releaseSlot()
        case .idle, .readingEnvelope, .refusing, .streaming:
            break  // never: a response is awaited only in the states above
        }
    }

    // MARK: - Negotiate

    /// The body of a request Negotiate decides has been read: answer the handshake leg, refuse, or serve it.
    private func negotiated(
        _ info: HTTPRequestInfo, endpoint: any WSManEndpoint, body: [UInt8], context: ChannelHandlerContext
    ) {
        let authorization = info.headers.first(named: "Authorization")
        let contentType = info.headers.first(named: "Content-Type")
        let decision = authentication.negotiateBodyReceived(
            authorization: authorization, contentType: contentType, body: body)
        Self.logNegotiateDecision(decision, peer: info.remoteAddress, to: configuration.logger)
        switch decision {
        case .challenge(let values, _):
            let headers = values.map { HTTPHeaderField(name: "WWW-Authenticate", value: $0) }
            answer(.init(status: 401, headers: headers), context: context)
        case .refuse:
            exchange?.keepAlive = false
            answer(.init(status: 400), context: context)
        case .serve(let user, let body, let originalContentType):
            guard !body.isEmpty else { return answer(.init(status: 200), context: context) }
            let info = Self.served(info, user: user, contentType: originalContentType)
            let key = gateKey(for: user.name)
            guard configuration.gate.tryAcquire(key) else {
                let limit = configuration.limits.maxConcurrentOperationsPerUser
                let fault = WSManTransportFault.quotaLimit(maxConcurrentOperations: limit)
                return answer(endpoint.respond(to: fault, for: info), context: context)
            }
            exchange?.gateKey = key
            call(endpoint, with: WSManHTTPRequest(info: info, body: body), context: context)
        }
    }

    /// The response with what Negotiate adds to it (final token, sealing); nil when it cannot be sealed: the
    /// connection is then closed.
    private func negotiatedResponse(
        _ response: WSManHTTPResponse, context: ChannelHandlerContext
    ) -> WSManHTTPResponse? {
        guard exchange?.negotiates == true else { return response }
        do {
            return try authentication.negotiatedResponse(response)
        } catch {
            configuration.logger.error(
                "response could not be sealed; connection closed", metadata: ["error": "\(error)"]
            )
            connectionEnded()
            context.close(promise: nil)
            return nil
        }
    }

    // MARK: - Responses

    private func answer(_ response: WSManHTTPResponse, context: ChannelHandlerContext) {
        guard let exchange else { return }
        guard let response = negotiatedResponse(response, context: context) else { return }
        // Graceful shutdown closes a connection between requests, so draining means this answer is the last.
        let keepAlive = exchange.keepAlive && lifecycle.beginWaiting()
        guard Self.areValidToSend(response) else {
            configuration.logger.error("an endpoint answered with a header that cannot be sent; connection closed")
            connectionEnded()
            context.close(promise: nil)
            return
        }
        write(response, keepAlive: keepAlive, context: context)
        releaseSlot()
        guard keepAlive else {
            state = .closed
            queued.removeAll()
            return
        }
        state = .idle
        processQueue(context: context)
        resumeReadingIfPossible()
    }

    /// Writes and flushes a response; without keep-alive the connection closes once it is sent.
    private func write(_ response: WSManHTTPResponse, keepAlive: Bool, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.reserveCapacity(4 + response.headers.count)
        headers.add(name: "Server", value: Self.serverHeader)
        if let contentType = response.contentType { headers.add(name: "Content-Type", value: contentType) }
        for field in response.headers { headers.add(name: field.name, value: field.value) }
        headers.add(name: "Content-Length", value: String(response.body.count))
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(
            version: .http1_1, status: HTTPResponseStatus(statusCode: response.status), headers: headers
        )
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !response.body.isEmpty {
            let body = context.channel.allocator.buffer(bytes: response.body)
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        if keepAlive {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        }
    }

    // MARK: - Connection

    private func processQueue(context: ChannelHandlerContext) {
        guard !isProcessingQueue else { return }
        isProcessingQueue = true
        defer { isProcessingQueue = false }
        while acceptsInput, let part = queued.popFirst() {
            handle(part, context: context)
        }
    }

    private func resumeReadingIfPossible() {
        guard readPending, !readsHeldBack, let context else { return }
        readPending = false
        context.read()
    }

    /// The operation gate's key for a user: the lower-cased name, remembered for the connection's next request.
    private func gateKey(for name: String) -> String {
        if let lastGateKey, lastGateKey.name == name { return lastGateKey.key }
        let key = name.lowercased()
        lastGateKey = (name, key)
        return key
    }

    private func releaseSlot() {
        guard let key = exchange?.gateKey else { return }
        exchange?.gateKey = nil
        configuration.gate.release(key)
    }

    private func connectionEnded() {
        if case .streaming(let source, _) = state { source?.finish(ConnectionClosedError()) }
        state = .closed
        queued.removeAll()
        envelope = []
        // A running endpoint call keeps its slot until it returns.
        if exchange?.endpointRunning != true { releaseSlot() }
    }

    private func peer(_ context: ChannelHandlerContext) -> String? {
        if let remoteAddress { return remoteAddress }
        let described = context.channel.remoteAddress.map(Self.describe)
        remoteAddress = .some(described)
        return described
    }

    private static func describe(_ address: SocketAddress) -> String {
        guard let ip = address.ipAddress, let port = address.port else { return address.description }
        return ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }
}

/// The connection ended in the middle of a request.
struct ConnectionClosedError: Error {}
