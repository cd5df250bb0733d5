import NIOCore
import NIOHTTP1

/// Performs `ConnectionTimeouts` on a channel: sits after the HTTP codec and pipelining handler, so it
/// sees one request and one response at a time.
final class ConnectionTimeoutHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private var timeouts: ConnectionTimeouts
    private var timer: Scheduled<Void>?
    private var generation = 0
    private let isStreaming: @Sendable (Substring) -> Bool

    init(timeouts: ConnectionTimeouts, isStreaming: @escaping @Sendable (Substring) -> Bool) {
        self.timeouts = timeouts
        self.isStreaming = isStreaming
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { perform(timeouts.connectionOpened(), context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        perform(timeouts.connectionOpened(), context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            perform(timeouts.requestHeadReceived(streaming: isStreaming(path)), context: context)
        case .body:
            break
        case .end:
            perform(timeouts.requestEndReceived(), context: context)
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        perform(timeouts.bytesReceived(), context: context)
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            perform(timeouts.responseEndSent(), context: context)
        }
        context.write(data, promise: promise)
    }

    private func perform(_ action: ConnectionTimeouts.Action, context: ChannelHandlerContext) {
        switch action {
        case .none:
            break
        case .cancel:
            timer?.cancel()
            timer = nil
            generation &+= 1
        case .schedule(let duration):
            timer?.cancel()
            generation &+= 1
            let expected = generation
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            timer = context.eventLoop.scheduleTask(in: TimeAmount(duration)) {
                let (handler, context) = loopBound.value
                // A timer cancelled too late to stop its task must not act.
                guard handler.generation == expected else { return }
                handler.perform(handler.timeouts.timerFired(), context: context)
            }
        case .close:
            timer = nil
            context.close(promise: nil)
        }
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
