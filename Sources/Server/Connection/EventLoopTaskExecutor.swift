import NIOCore

/// Runs a connection's task on the event loop of its channel.
///
/// Without it every request crosses threads twice (the event loop hands the parts to a task on the global
/// pool, which hands the response back); on the channel's own loop, reads resume the task and writes reach the
/// socket without waking another thread. Whatever the task awaits elsewhere (actors, other loops) still runs
/// there and comes back here.
@available(macOS 15.0, *)
final class EventLoopTaskExecutor: TaskExecutor, Sendable {
    private let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
