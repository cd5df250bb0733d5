/// How a client asked a job to stop: `RequestStateChange(4)` Terminate or `RequestStateChange(5)` Kill.
enum JobCancellation: Sendable, Hashable {
    case terminate, kill
}

/// The life of one job as a plain value: it takes an event and returns what the queue must do. No I/O here; the
/// `JobQueue` persists the instance and wakes waiters as the actions say.
///
/// ```
/// running ──cancel──▶ stopping(kind) ──work ends──▶ finished(.terminated / .killed)
///    │                                     (how the work ended does not matter once a client asked it to stop)
///    └──work returns / fails──▶ finished(.completed / .failed)
/// any unfinished phase ──host restarted──▶ finished(.failed(.hostRestarted))
/// ```
struct JobLifecycle: Sendable, Hashable {
    enum Phase: Sendable, Hashable {
        /// JobState 4.
        case running
        /// JobState 6 Shutting Down: cancellation requested, the work has not returned yet.
        case stopping(JobCancellation)
        case finished(JobOutcome)
    }

    enum Event: Sendable, Hashable {
        case cancel(JobCancellation)
        case workReturned
        case workFailed(JobFailure)
        /// The job was found unfinished when the queue opened: its work died with the previous process.
        case hostRestarted
    }

    enum Refusal: Sendable, Hashable {
        /// The job was started with `cancellable: false`.
        case notCancellable
        /// The job has already ended.
        case finished
    }

    enum Action: Sendable, Hashable {
        /// Record JobState 6 and cancel the work.
        case stop(JobCancellation)
        /// A cancellation was already under way; nothing changes.
        case alreadyStopping
        /// Record the end state, wake whoever waits, arm the removal timer.
        case finish(JobOutcome)
        /// The cancellation is refused; nothing changes.
        case refuse(Refusal)
        /// Nothing to do (an event after the end).
        case none
    }

    let cancellable: Bool
    private(set) var phase: Phase

    init(cancellable: Bool, phase: Phase = .running) {
        self.cancellable = cancellable
        self.phase = phase
    }

    var isFinished: Bool {
        if case .finished = phase { return true }
        return false
    }

    var outcome: JobOutcome? {
        if case .finished(let outcome) = phase { return outcome }
        return nil
    }

    mutating func handle(_ event: Event) -> Action {
        switch (phase, event) {
        case (.finished, .cancel):
            return .refuse(.finished)
        case (.finished, _):
            return .none
        case (.running, .cancel(let kind)):
            guard cancellable else { return .refuse(.notCancellable) }
            phase = .stopping(kind)
            return .stop(kind)
        case (.stopping(.terminate), .cancel(.kill)):
            phase = .stopping(.kill)
            return .stop(.kill)
        case (.stopping, .cancel):
            return .alreadyStopping
        case (.running, .workReturned):
            return finish(.completed)
        case (.running, .workFailed(let failure)):
            return finish(.failed(failure))
        case (.stopping(let kind), .workReturned), (.stopping(let kind), .workFailed):
            return finish(kind == .kill ? .killed : .terminated)
        case (.running, .hostRestarted), (.stopping, .hostRestarted):
            return finish(.failed(.hostRestarted))
        }
    }

    private mutating func finish(_ outcome: JobOutcome) -> Action {
        phase = .finished(outcome)
        return .finish(outcome)
    }
}
