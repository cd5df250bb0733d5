import Testing

@testable import Providers

@Suite("Job lifecycle")
struct JobLifecycleTests {
    private static let failure = JobFailure(errorCode: 32775, errorDescription: "Invalid state")

    /// One row: the phase before, the event, the action and the phase after.
    struct Row: Sendable, CustomTestStringConvertible {
        var cancellable = true
        var before: JobLifecycle.Phase
        var event: JobLifecycle.Event
        var action: JobLifecycle.Action
        var after: JobLifecycle.Phase

        var testDescription: String { "\(before) + \(event) → \(action)" }
    }

    static let rows: [Row] = [
        Row(before: .running, event: .workReturned, action: .finish(.completed), after: .finished(.completed)),
        Row(
            before: .running, event: .workFailed(failure), action: .finish(.failed(failure)),
            after: .finished(.failed(failure))),
        Row(before: .running, event: .cancel(.terminate), action: .stop(.terminate), after: .stopping(.terminate)),
        Row(before: .running, event: .cancel(.kill), action: .stop(.kill), after: .stopping(.kill)),
        Row(
            cancellable: false, before: .running, event: .cancel(.terminate), action: .refuse(.notCancellable),
            after: .running),
        Row(
            cancellable: false, before: .running, event: .cancel(.kill), action: .refuse(.notCancellable),
            after: .running),
        Row(
            before: .running, event: .hostRestarted, action: .finish(.failed(.hostRestarted)),
            after: .finished(.failed(.hostRestarted))),
        Row(
            before: .stopping(.terminate), event: .cancel(.terminate), action: .alreadyStopping,
            after: .stopping(.terminate)),
        Row(before: .stopping(.terminate), event: .cancel(.kill), action: .stop(.kill), after: .stopping(.kill)),
        Row(before: .stopping(.kill), event: .cancel(.terminate), action: .alreadyStopping, after: .stopping(.kill)),
        Row(
            before: .stopping(.terminate), event: .workReturned, action: .finish(.terminated),
            after: .finished(.terminated)),
        Row(
            before: .stopping(.terminate), event: .workFailed(failure), action: .finish(.terminated),
            after: .finished(.terminated)),
        Row(before: .stopping(.kill), event: .workReturned, action: .finish(.killed), after: .finished(.killed)),
        Row(
            before: .stopping(.kill), event: .hostRestarted, action: .finish(.failed(.hostRestarted)),
            after: .finished(.failed(.hostRestarted))),
        Row(
            before: .finished(.completed), event: .cancel(.terminate), action: .refuse(.finished),
            after: .finished(.completed)),
        Row(before: .finished(.killed), event: .cancel(.kill), action: .refuse(.finished), after: .finished(.killed)),
        Row(before: .finished(.completed), event: .workReturned, action: .none, after: .finished(.completed)),
        Row(
            before: .finished(.terminated), event: .workFailed(failure), action: .none,
            after: .finished(.terminated)),
        Row(
            before: .finished(.completed), event: .hostRestarted, action: .none, after: .finished(.completed)),
    ]

    @Test("every transition", arguments: rows)
    func transition(_ row: Row) {
        var lifecycle = JobLifecycle(cancellable: row.cancellable, phase: row.before)
        #expect(lifecycle.handle(row.event) == row.action)
        #expect(lifecycle.phase == row.after)
        #expect(lifecycle.isFinished == (lifecycle.outcome != nil))
    }
}
