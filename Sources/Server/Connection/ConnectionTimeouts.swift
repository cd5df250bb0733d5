/// The timers of one connection, as a value: connection events go in, what to do with the single
/// connection timer comes out.
///
/// - Between requests the idle timeout runs.
/// - From the first bytes of a request until its end the read timeout runs once, without restarting on
///   progress, so a client dribbling bytes (slowloris) cannot hold the connection. For a streaming
///   route only the head is timed: its body is paced by the endpoint's back-pressure.
/// - While the request is being served no timer runs.
struct ConnectionTimeouts {
    enum State: Hashable {
        case idle
        case reading
        case processing
        case closed
    }

    enum Action: Hashable {
        case none
        /// (Re)arm the connection timer to fire after this long.
        case schedule(Duration)
        case cancel
        /// Close the connection.
        case close
    }

    private(set) var state: State = .idle
    let idleTimeout: Duration
    let readTimeout: Duration

    init(idleTimeout: Duration, readTimeout: Duration) {
        self.idleTimeout = idleTimeout
        self.readTimeout = readTimeout
    }

    mutating func connectionOpened() -> Action {
        state = .idle
        return .schedule(idleTimeout)
    }

    /// Bytes arrived (a read completed), whether or not they made up a whole request head yet.
    mutating func bytesReceived() -> Action {
        guard state == .idle else { return .none }
        state = .reading
        return .schedule(readTimeout)
    }

    mutating func requestHeadReceived(streaming: Bool) -> Action {
        switch state {
        case .idle:
            state = streaming ? .processing : .reading
            return streaming ? .cancel : .schedule(readTimeout)
        case .reading:
            guard streaming else { return .none }
            state = .processing
            return .cancel
        case .processing, .closed:
            return .none
        }
    }

    mutating func requestEndReceived() -> Action {
        switch state {
        case .idle, .reading:
            state = .processing
            return .cancel
        case .processing, .closed:
            return .none
        }
    }

    mutating func responseEndSent() -> Action {
        guard state != .closed else { return .none }
        state = .idle
        return .schedule(idleTimeout)
    }

    mutating func timerFired() -> Action {
        switch state {
        case .idle, .reading:
            state = .closed
            return .close
        case .processing, .closed:
            return .none
        }
    }
}
