import NIOCore
import NIOHTTP1

/// Performs `ConnectionTimeouts` on a channel, after the HTTP codec. It sees one request and one response at a
/// time: parts of a pipelined request that arrive while a response is due are held back from the state machine
/// (not from the channel) until that response has ended, as NIO's pipelining handler would deliver them, without
/// that handler's read-interest toggling on every request.
final class ConnectionTimeoutHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPResponseWrite
    typealias OutboundOut = IOData

    private var timeouts: ConnectionTimeouts
    /// When the running timeout expires; nil when none runs.
    private var deadline: NIODeadline?
    /// The pending wake-up, never later than `deadline`. A cancelled or pushed-back timeout leaves it in place:
    /// it wakes, finds the deadline gone or later, and sleeps again. So a request costs no timer operations,
    /// where cancelling and rescheduling costs several.
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?
    private var generation = 0
    /// A whole request arrived and its response has not ended yet.
    private var responseDue = false
    /// Request events that arrived while a response was due, in order; `true` is a request's end.
    private var heldBack: [(isEnd: Bool, streaming: Bool)] = []
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
            let uri = head.uri
            let path = uri[..<(uri.utf8.firstIndex(of: UInt8(ascii: "?")) ?? uri.endIndex)]
            requestEvent(isEnd: false, streaming: isStreaming(path), context: context)
        case .body:
            break
        case .end:
            requestEvent(isEnd: true, streaming: false, context: context)
        }
        context.fireChannelRead(data)
    }

    private func requestEvent(isEnd: Bool, streaming: Bool, context: ChannelHandlerContext) {
        if responseDue {
            heldBack.append((isEnd, streaming))
        } else if isEnd {
            responseDue = true
            perform(timeouts.requestEndReceived(), context: context)
        } else {
            perform(timeouts.requestHeadReceived(streaming: streaming), context: context)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if !responseDue { perform(timeouts.bytesReceived(), context: context) }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .interim(let buffer):
            context.write(wrapOutboundOut(.byteBuffer(buffer)), promise: promise)
        case .complete(let buffer):
            context.write(wrapOutboundOut(.byteBuffer(buffer)), promise: promise)
            responseDue = false
            perform(timeouts.responseEndSent(), context: context)
            while !responseDue, !heldBack.isEmpty {
                let event = heldBack.removeFirst()
                requestEvent(isEnd: event.isEnd, streaming: event.streaming, context: context)
            }
        }
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
