import NIOConcurrencyHelpers
import NIOCore

/// Graceful shutdown of one connection: a connection waiting for its next request is closed at once;
/// one serving a request finishes it (answering `Connection: close`) or is closed after the grace
/// period.
final class ConnectionLifecycle: Sendable {
    private enum State {
        case waiting
        case busy
        case draining
    }

    private let state = NIOLockedValueBox(State.waiting)
    private let channel: any Channel
    private let gracePeriod: Duration

    init(channel: any Channel, gracePeriod: Duration) {
        self.channel = channel
        self.gracePeriod = gracePeriod
    }

    /// About to wait for the next request; false when the connection must close instead.
    func beginWaiting() -> Bool {
        state.withLockedValue { state in
            if case .draining = state { return false }
            state = .waiting
            return true
        }
    }

    /// A request head arrived.
    func beginRequest() {
        state.withLockedValue { state in
            if case .waiting = state { state = .busy }
        }
    }

    /// Graceful shutdown was requested.
    func shutdown() {
        let wasWaiting = state.withLockedValue { state in
            defer { state = .draining }
            if case .waiting = state { return true }
            return false
        }
        if wasWaiting {
            channel.close(promise: nil)
        } else {
            let channel = self.channel
            channel.eventLoop.scheduleTask(in: TimeAmount(gracePeriod)) {
                channel.close(promise: nil)
            }
        }
    }
}
