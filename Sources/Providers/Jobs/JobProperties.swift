import CIM
import Foundation

/// The property values of a job instance at each moment of its life (A.12 of the replication model). `JobClass`
/// keeps those its class declares.
///
/// `OperationalStatus` follows CIM_ManagedSystemElement: OK (2) while running; once ended, the primary status
/// first and Completed (17) second — OK for success, Error (6) for an exception, Stopped (10) when terminated,
/// Aborted (14) when killed; Stopping (9) while shutting down. `StatusDescriptions` holds the value names.
enum JobProperties {
    /// The 5-minute default of CIM_ConcreteJob.TimeBeforeRemoval.
    static let defaultTimeBeforeRemoval: Double = 300

    /// Everything a new job carries: JobState 4 Running, PercentComplete 0, submitted and started now.
    static func started(
        id: String, description: JobDescription, keyNames: [String], now: Date
    ) -> [(String, CIMValue?)] {
        let time = CIMValue.datetime(CIMDateTime(date: now))
        var values: [(String, CIMValue?)] = keyNames.map { ($0, .string(id)) }
        values += [
            ("InstanceID", .string(id)),
            ("Name", .string(description.caption)),
            ("Caption", .string(description.caption)),
            ("ElementName", .string(description.caption)),
            ("Description", .string(description.caption)),
            ("JobType", description.jobType.map { CIMValue.uint16($0) }),
            ("TimeSubmitted", time),
            ("StartTime", time),
            ("ElapsedTime", interval(0)),
            ("TimeBeforeRemoval", interval(defaultTimeBeforeRemoval)),
            ("Cancellable", .boolean(description.cancellable)),
            ("DeleteOnCompletion", .boolean(false)),
            ("LocalOrUtcTime", .uint16(2)),
            ("HealthState", .uint16(5)),
            ("Priority", .uint32(0)),
            ("JobRunTimes", .uint32(1)),
            ("IsBackgroundTask", .boolean(false)),
        ]
        values += state(4, status: "Job is running", operational: [(2, "OK")], now: now)
        values += [("PercentComplete", .uint16(0)), ("ErrorCode", .uint16(0))]
        return values
    }

    /// Progress: the new percentage and the time elapsed since the start.
    static func progress(percent: Int, startTime: Date, now: Date) -> [(String, CIMValue?)] {
        [
            ("PercentComplete", .uint16(UInt16(clamping: percent))),
            ("ElapsedTime", interval(now.timeIntervalSince(startTime))),
        ]
    }

    /// JobState 6 Shutting Down, after a client asked the job to stop.
    static func stopping(now: Date) -> [(String, CIMValue?)] {
        state(6, status: "Job is shutting down", operational: [(9, "Stopping")], now: now)
    }

    /// The end state of `outcome`.
    static func finished(
        _ outcome: JobOutcome, caption: String, startTime: Date, now: Date
    ) -> [(String, CIMValue?)] {
        var values: [(String, CIMValue?)] = [("ElapsedTime", interval(now.timeIntervalSince(startTime)))]
        let completed: (UInt16, String) = (17, "Completed")
        switch outcome {
        case .completed:
            values += state(7, status: "Job completed successfully", operational: [(2, "OK"), completed], now: now)
            values += [("PercentComplete", .uint16(100)), ("ErrorCode", .uint16(0))]
        case .failed(let failure):
            values += state(10, status: "Job failed", operational: [(6, "Error"), completed], now: now)
            values += error(failure, summary: "\(caption) failed.")
        case .terminated:
            values += state(8, status: "Job was terminated", operational: [(10, "Stopped"), completed], now: now)
            values += error(terminated, summary: "\(caption) was cancelled.")
        case .killed:
            values += state(9, status: "Job was killed", operational: [(14, "Aborted"), completed], now: now)
            values += error(killed, summary: "\(caption) was cancelled.")
        }
        return values
    }

    /// The error recorded for a terminated job (ErrorCode ≠ 0 for every unsuccessful end, as Windows reports it).
    static let terminated = JobFailure(
        errorCode: 32768, errorDescription: "The job was terminated at the request of a client.")
    /// The error recorded for a killed job.
    static let killed = JobFailure(
        errorCode: 32768, errorDescription: "The job was killed at the request of a client.")

    /// The failure a stored job instance records, when it records one (ErrorCode ≠ 0 or JobState 10).
    static func failure(of instance: CIMInstance) -> JobFailure? {
        let code = instance["ErrorCode"]?.uint64Value.flatMap { UInt16(exactly: $0) } ?? 0
        let state = instance["JobState"]?.uint64Value ?? 0
        guard code != 0 || state == 10 else { return nil }
        let text = instance["ErrorDescription"]?.stringValue ?? "The job failed."
        return JobFailure(errorCode: code == 0 ? 32768 : code, errorDescription: text)
    }

    /// How a stored job ended, read back from its JobState; nil while it has not ended (2 New, 3 Starting,
    /// 4 Running, 5 Suspended, 6 Shutting Down: the states clients keep polling in).
    static func outcome(of instance: CIMInstance) -> JobOutcome? {
        switch instance["JobState"]?.uint64Value ?? 0 {
        case 7, 32768: return .completed
        case 8: return .terminated
        case 9: return .killed
        case 10: return .failed(failure(of: instance) ?? JobFailure(errorCode: 32768, errorDescription: "Failed"))
        case 2, 3, 4, 5, 6: return nil
        default: return .completed
        }
    }

    private static func state(
        _ jobState: UInt16, status: String, operational: [(UInt16, String)], now: Date
    ) -> [(String, CIMValue?)] {
        [
            ("JobState", .uint16(jobState)),
            ("JobStatus", .string(status)),
            ("TimeOfLastStateChange", .datetime(CIMDateTime(date: now))),
            ("OperationalStatus", .array(operational.map { .uint16($0.0) }, elementType: .uint16)),
            ("StatusDescriptions", .array(operational.map { .string($0.1) }, elementType: .string)),
        ]
    }

    private static func error(_ failure: JobFailure, summary: String) -> [(String, CIMValue?)] {
        [
            ("ErrorCode", .uint16(failure.errorCode)),
            ("ErrorDescription", .string(failure.errorDescription)),
            ("ErrorSummaryDescription", .string(summary)),
        ]
    }

    private static func interval(_ seconds: Double) -> CIMValue {
        .datetime(CIMDateTime(intervalSeconds: seconds))
    }
}
