import Logging
import NIOCore
import NIOHTTP1
import NTLM

/// Serves the requests of one connection on its event loop, after NIO's request decoder.
///
/// What to do with each request part is decided by an `HTTPConnectionStateMachine`; this handler feeds it the
/// channel's events and carries out its actions: writes, reads, endpoint calls, the streamed body, closing. It
/// also reports the events that time the connection to its `ConnectionTimer` (in this handler rather than one of
/// its own, which would cost every request part and response another pass through the pipeline).
/// The endpoints are `async`: their calls run in a task that prefers this channel's event loop, and a
/// `WSManEndpoint` that can answer without suspending (`reply(to:)`) is answered without one. Either answer is
/// written once the event loop has finished reading what else was ready (one flush per response).
final class HTTPConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    /// What every connection of a listener shares.
    typealias Configuration = HTTPConnectionStateMachine.Configuration

    private static let serverHeader = "Microsoft-HTTPAPI/2.0"

    private let configuration: Configuration
    private let lifecycle: ConnectionLifecycle
    private var context: ChannelHandlerContext?
    private var taskExecutor: (any TaskExecutor)?
    private var timer: ConnectionTimer?
    private var machine: HTTPConnectionStateMachine
    /// Where the body of the request being streamed is fed.
    private var streamSource: StreamingBodySource?
    private var remoteAddress: String??
    /// The request being answered is a `HEAD`: its answer has no body.
    private var answeringHead = false

    init(configuration: Configuration, lifecycle: ConnectionLifecycle) {
        self.configuration = configuration
        self.lifecycle = lifecycle
        self.machine = HTTPConnectionStateMachine(configuration: configuration)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if #available(macOS 15.0, *) {
            taskExecutor = EventLoopTaskExecutor(context.eventLoop)
        }
        let timeouts = ConnectionTimeouts(
            idleTimeout: configuration.limits.idleTimeout, readTimeout: configuration.limits.requestReadTimeout
        )
        timer = ConnectionTimer(timeouts: timeouts, eventLoop: context.eventLoop) { context.close(promise: nil) }
        if context.channel.isActive { timer?.connectionOpened() }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        connectionEnded()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        timer?.connectionOpened()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        connectionEnded()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is HTTPParserError {
            // Not HTTP: answer 400 and close. Responses are written whole, so none can be half-sent here.
            let buffer = context.channel.allocator.buffer(string: HTTPResponseSerializer.badRequest)
            context.writeAndFlush(wrapOutboundOut(.byteBuffer(buffer)), promise: nil)
        }
        configuration.logger.debug(
            "connection ended", metadata: ["peer": "\(peer(context) ?? "?")", "error": "\(error)"]
        )
        connectionEnded()
        context.close(promise: nil)
    }

    func read(context: ChannelHandlerContext) {
        if case .read = machine.readRequested() { context.read() }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch part {
        case .head(let head):
            // Timed as the request arrives, ahead of any pipelined request the state machine still holds.
            timer?.requestHeadReceived(streaming: configuration.routes.isStreaming(HTTPRequestInfo.path(of: head.uri)))
        case .body:
            break
        case .end:
            timer?.requestEndReceived()
        }
        run(machine.received(part), context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        timer?.bytesReceived()
        context.fireChannelReadComplete()
    }

    // MARK: - Actions

    /// Carries out `action` and whatever the machine answers to it, until it has nothing more to do.
    private func run(_ first: consuming HTTPConnectionStateMachine.Action, context: ChannelHandlerContext) {
        var action = first  // moved, not copied
        while true {
            switch action {
            case .none:
                break
            case .startRequest(let head):
                lifecycle.beginRequest()
                answeringHead = head.method == .HEAD
                action = machine.requestStarted(head, remoteAddress: peer(context))
                continue
            case .writeContinue(let version):
                writeContinue(version, context: context)
            case .callEndpoint(let endpoint, let request, let id):
                call(endpoint, with: request, exchange: id, context: context)
            case .startStreaming(let endpoint, let info, let id, let continueVersion):
                if let continueVersion { writeContinue(continueVersion, context: context) }
                startStreaming(endpoint, info: info, exchange: id, context: context)
            case .feedStream(let chunk):
                switch streamSource?.yield(chunk) {
                case .stopProducing:
                    machine.streamBufferFull()
                case .dropped:
                    streamSource = nil
                    machine.streamDropped()
                case .produceMore, nil:
                    break
                }
            case .finishStream(let thenRead):
                streamSource?.finish()
                streamSource = nil
                if thenRead { context.read() }
            case .write(let response, let keepAlive, let slot):
                // Graceful shutdown closes a connection between requests, so draining means this answer is the last.
                let keepAlive = keepAlive && lifecycle.beginWaiting()
                write(response, keepAlive: keepAlive, context: context)
                if let slot { configuration.gate.release(slot) }
                action = machine.responseWritten(keepAlive: keepAlive)
                continue
            case .releaseSlot(let key):
                configuration.gate.release(key)
            case .read:
                context.read()
            case .close(let slot):
                failStream()
                if let slot { configuration.gate.release(slot) }
                context.close(promise: nil)
            }
            action = machine.nextAction()
            if case .none = action { return }
        }
    }

    private func writeContinue(_ version: HTTPVersion, context: ChannelHandlerContext) {
        let buffer = HTTPResponseSerializer.interimContinue(version, allocator: context.channel.allocator)
        context.writeAndFlush(wrapOutboundOut(.byteBuffer(buffer)), promise: nil)
    }

    // MARK: - Endpoint calls

    private func call(
        _ endpoint: any WSManEndpoint, with request: WSManHTTPRequest, exchange id: Int,
        context: ChannelHandlerContext
    ) {
        switch endpoint.reply(to: request) {
        case .now(let response):
            // Written once the event loop has read what else is ready, as a task's answer would be.
            let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
            context.eventLoop.execute { loopBound.value.responded(response, exchange: id) }
        case .later(let respond):
            run(exchange: id, context: context) { await respond() }
        }
    }

    private func startStreaming(
        _ endpoint: any StreamingEndpoint, info: HTTPRequestInfo, exchange id: Int, context: ChannelHandlerContext
    ) {
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let events = StreamingBodyEvents(eventLoop: context.eventLoop) { event in
            loopBound.value.streamEvent(event, exchange: id)
        }
        let (body, source) = HTTPRequestBody.make(events: events)
        streamSource = source
        let isSecure = configuration.isSecure
        let channel = context.channel
        run(exchange: id, context: context) {
            var info = info
            if isSecure { info.clientCertificate = await HTTPConnectionHandler.clientCertificate(of: channel) }
            return await endpoint.respond(to: info, body: body)
        }
    }

    /// Runs an endpoint call in a task on this channel's event loop and delivers its response here.
    private func run(
        exchange id: Int, context: ChannelHandlerContext,
        _ respond: @escaping @Sendable () async -> WSManHTTPResponse
    ) {
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
        let action = machine.endpointResponded(response, exchange: id)
        guard let context else {
            // Removed from the pipeline: all that is left is giving the slot back.
            if case .releaseSlot(let key) = action { configuration.gate.release(key) }
            return
        }
        run(action, context: context)
    }

    /// The reader of the body of request `id` wants more, or stopped reading.
    private func streamEvent(_ event: StreamingBodyEvents.Event, exchange id: Int) {
        let action: HTTPConnectionStateMachine.Action
        switch event {
        case .demand: action = machine.streamDemand(exchange: id)
        case .terminated: action = machine.streamTerminated(exchange: id)
        }
        guard let context else { return }
        run(action, context: context)
    }

    // MARK: - Responses

    /// Writes and flushes a response; without keep-alive the connection closes once it is sent.
    private func write(_ response: WSManHTTPResponse, keepAlive: Bool, context: ChannelHandlerContext) {
        let buffer = HTTPResponseSerializer.serialize(
            response, server: Self.serverHeader, keepAlive: keepAlive, omitBody: answeringHead,
            allocator: context.channel.allocator
        )
        if keepAlive {
            context.writeAndFlush(wrapOutboundOut(.byteBuffer(buffer)), promise: nil)
        } else {
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.byteBuffer(buffer))).whenComplete { _ in channel.close(promise: nil) }
        }
        timer?.responseSent()
    }

    // MARK: - Connection

    private func connectionEnded() {
        timer?.stop()
        failStream()
        if case .releaseSlot(let key) = machine.connectionClosed() { configuration.gate.release(key) }
    }

    /// A body still being streamed ends with an error: the connection is gone.
    private func failStream() {
        streamSource?.finish(ConnectionClosedError())
        streamSource = nil
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
