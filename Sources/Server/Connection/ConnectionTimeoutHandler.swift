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
    /// When the running timeout expires; nil when none runs.
    private var deadline: NIODeadline?
    /// The pending wake-up, never later than `deadline`. A cancelled or pushed-back timeout leaves it in place:
    /// it wakes, finds the deadline gone or later, and sleeps again. So a request costs no timer operations,
    /// where cancelling and rescheduling costs several.
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?
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
        stopTimer()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopTimer()
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
            deadline = nil
        case .schedule(let duration):
            let deadline = context.eventLoop.now + TimeAmount(duration)
            self.deadline = deadline
            if let timerDeadline, timerDeadline <= deadline { return }
            wake(at: deadline, context: context)
        case .close:
            stopTimer()
            context.close(promise: nil)
        }
    }

    private func wake(at when: NIODeadline, context: ChannelHandlerContext) {
        timer?.cancel()
        generation &+= 1
        let expected = generation
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timerDeadline = when
        timer = context.eventLoop.scheduleTask(deadline: when) {
            let (handler, context) = loopBound.value
            // A timer cancelled too late to stop its task must not act.
            guard handler.generation == expected else { return }
            handler.timer = nil
            handler.timerDeadline = nil
            guard let deadline = handler.deadline else { return }
            if context.eventLoop.now < deadline {
                handler.wake(at: deadline, context: context)
            } else {
                handler.deadline = nil
                handler.perform(handler.timeouts.timerFired(), context: context)
            }
        }
    }

    private func stopTimer() {
        timer?.cancel()
        timer = nil
        timerDeadline = nil
        deadline = nil
        generation &+= 1
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
