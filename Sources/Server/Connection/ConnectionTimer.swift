import NIOCore

/// Carries out `ConnectionTimeouts` for one connection with a single scheduled task on its event loop.
///
/// It sees one request and one response at a time: events of a pipelined request that arrive while a response
/// is due are held back (the request's parts themselves are not) until that response has been sent, so the
/// pipelined request is timed as if it had arrived then. `HTTPConnectionHandler` reports the connection's events;
/// when a timeout expires the timer calls `expire`.
final class ConnectionTimer {
    private var timeouts: ConnectionTimeouts
    private let eventLoop: any EventLoop
    private var expire: (() -> Void)?
    /// When the running timeout expires; nil when none runs.
    private var deadline: NIODeadline?
    /// The pending wake-up, never later than `deadline`. A cancelled or pushed-back timeout leaves it in place:
    /// it wakes, finds the deadline gone or later, and sleeps again. So a request costs no timer operations,
    /// where cancelling and rescheduling costs several.
    private var scheduled: Scheduled<Void>?
    private var scheduledDeadline: NIODeadline?
    private var generation = 0
    /// A whole request arrived and its response has not been sent yet.
    private var responseDue = false
    /// Request events that arrived while a response was due, in order.
    private var heldBack: [RequestEvent] = []

    private enum RequestEvent {
        case head(streaming: Bool)
        case end
    }

    /// - Parameter expire: what to do when a timeout expires (close the connection); not called after `stop()`.
    init(timeouts: ConnectionTimeouts, eventLoop: any EventLoop, expire: @escaping () -> Void) {
        self.timeouts = timeouts
        self.eventLoop = eventLoop
        self.expire = expire
    }

    func connectionOpened() {
        perform(timeouts.connectionOpened())
    }

    /// A read completed: bytes arrived, perhaps not yet a whole request head.
    func bytesReceived() {
        if !responseDue { perform(timeouts.bytesReceived()) }
    }

    /// A request's head arrived; a streaming route's body is not timed.
    func requestHeadReceived(streaming: Bool) {
        requestEvent(.head(streaming: streaming))
    }

    func requestEndReceived() {
        requestEvent(.end)
    }

    /// The last byte of a final response was written.
    func responseSent() {
        responseDue = false
        perform(timeouts.responseEndSent())
        while !responseDue, !heldBack.isEmpty {
            requestEvent(heldBack.removeFirst())
        }
    }

    /// Stops timing for good and lets go of `expire`.
    func stop() {
        scheduled?.cancel()
        scheduled = nil
        scheduledDeadline = nil
        deadline = nil
        expire = nil
        generation &+= 1
    }

    private func requestEvent(_ event: RequestEvent) {
        if responseDue {
            heldBack.append(event)
            return
        }
        switch event {
        case .head(let streaming):
            perform(timeouts.requestHeadReceived(streaming: streaming))
        case .end:
            responseDue = true
            perform(timeouts.requestEndReceived())
        }
    }

    private func perform(_ action: ConnectionTimeouts.Action) {
        switch action {
        case .none:
            break
        case .cancel:
            deadline = nil
        case .schedule(let duration):
            let deadline = eventLoop.now + TimeAmount(duration)
            self.deadline = deadline
            if let scheduledDeadline, scheduledDeadline <= deadline { return }
            wake(at: deadline)
        case .close:
            let expire = self.expire
            stop()
            expire?()
        }
    }

    private func wake(at when: NIODeadline) {
        scheduled?.cancel()
        generation &+= 1
        let expected = generation
        let loopBound = NIOLoopBound(self, eventLoop: eventLoop)
        scheduledDeadline = when
        scheduled = eventLoop.scheduleTask(deadline: when) {
            let timer = loopBound.value
            // A task cancelled too late to stop it must not act.
            guard timer.generation == expected else { return }
            timer.scheduled = nil
            timer.scheduledDeadline = nil
            guard let deadline = timer.deadline else { return }
            if timer.eventLoop.now < deadline {
                timer.wake(at: deadline)
            } else {
                timer.deadline = nil
                timer.perform(timer.timeouts.timerFired())
            }
        }
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
