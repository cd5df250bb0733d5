import NIOCore

/// Runs the task of an endpoint call on the event loop of its connection's channel.
///
/// Without it every request that needs a task crosses threads twice (the event loop starts a task on the
/// global pool, which hands the response back); on the channel's own loop the answer reaches the socket without
/// waking another thread. Whatever the task awaits elsewhere (actors, other loops) still runs there and comes
/// back here.
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
