import Foundation

/// Handed to a job's work: reports how far it got and tells it when a client asked it to stop.
public final class JobProgress: @unchecked Sendable {
    /// The job's InstanceID.
    public let jobID: String
    // Strong on purpose: the queue drops its progress object when the job ends, which breaks the cycle.
    private let queue: JobQueue
    private let lock = NSLock()
    private var cancelled = false

    init(jobID: String, queue: JobQueue) {
        self.jobID = jobID
        self.queue = queue
    }

    /// Records progress: `percent` is clamped to 0...100 and never goes back; a new value is persisted (and seen by
    /// a Get of the job) before this returns. Reports after the job ended or was asked to stop are ignored.
    public func report(percent: Int) {
        queue.recordProgress(jobID: jobID, percent: min(100, max(0, percent)))
    }

    /// True once a client asked the job to stop (Terminate or Kill).
    public var isCancelled: Bool { lock.withLock { cancelled } }

    /// Throws `CancellationError` when a client asked the job to stop.
    public func checkCancellation() throws {
        if isCancelled { throw CancellationError() }
    }

    func markCancelled() {
        lock.withLock { cancelled = true }
    }
}
