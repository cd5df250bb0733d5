/// Thrown by a job's work to end it in JobState 10 (Exception) with ErrorCode / ErrorDescription.
public struct JobFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The Msvm return code the job failed with, e.g. 32768 Failed, 32775 Invalid state, 32777 System not available.
    public var errorCode: UInt16
    /// What went wrong, in a sentence (`ErrorDescription`, and `Message` of the job's error instance).
    public var errorDescription: String

    public init(errorCode: UInt16, errorDescription: String) {
        self.errorCode = errorCode
        self.errorDescription = errorDescription
    }

    public var description: String { "\(errorCode): \(errorDescription)" }

    /// The failure of a job whose work died with the process: found running when a `JobQueue` opened the store.
    public static let hostRestarted = JobFailure(
        errorCode: 32768,
        errorDescription: "The host restarted while the job was running; the job did not complete.")

    /// The failure recorded for work that threw something other than a `JobFailure`.
    static func unexpected(_ error: any Error) -> JobFailure {
        let text: String
        switch error {
        case let status as CIMStatus: text = status.message
        case is CancellationError: text = "The operation was cancelled."
        default: text = String(describing: error)
        }
        return JobFailure(errorCode: 32768, errorDescription: text)
    }
}
