/// How a job ended.
public enum JobOutcome: Sendable, Hashable {
    /// JobState 7 Completed, ErrorCode 0.
    case completed
    /// JobState 10 Exception with the failure's ErrorCode and ErrorDescription.
    case failed(JobFailure)
    /// JobState 8 Terminated: a client asked the job to stop (`RequestStateChange(4)`, `JobQueue.cancel`).
    case terminated
    /// JobState 9 Killed: a client asked the job to stop at once (`RequestStateChange(5)`).
    case killed
}
