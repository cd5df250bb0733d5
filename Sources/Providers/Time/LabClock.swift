import Foundation

/// The time every provider schedules by. Lab time runs `timeScale` times faster than wall time, so a 5-minute
/// replication interval can take 5 seconds; tests inject a `ManualLabClock` and never sleep on wall time.
public protocol LabClock: Sendable {
    /// Lab seconds per wall second.
    var timeScale: Double { get }
    /// The current lab time.
    func now() -> Date
    /// Suspends until `seconds` of lab time have passed (or the task is cancelled).
    func sleep(seconds: Double) async throws
}

/// Wall time, sped up by a scale factor and movable forward (`WMILab_Clock.Advance`).
public final class ScaledLabClock: LabClock, @unchecked Sendable {
    public let timeScale: Double
    private let origin: Date
    private let wallOrigin: Date
    private let lock = NSLock()
    private var offset: TimeInterval = 0

    /// `timeScale` must be positive; values below or equal to zero are taken as 1.
    public init(timeScale: Double = 1, origin: Date = Date()) {
        self.timeScale = timeScale > 0 ? timeScale : 1
        self.origin = origin
        self.wallOrigin = Date()
    }

    public func now() -> Date {
        let elapsed = Date().timeIntervalSince(wallOrigin) * timeScale
        return origin.addingTimeInterval(elapsed + lock.withLock { offset })
    }

    /// Moves lab time forward without waiting.
    public func advance(seconds: Double) {
        lock.withLock { offset += max(0, seconds) }
    }

    /// Sleeps until the lab time `seconds` from now, waking early when `advance(seconds:)` moves the clock past it
    /// (the wait is checked at least every quarter of a second of wall time).
    public func sleep(seconds: Double) async throws {
        guard seconds > 0 else { return }
        let deadline = now().addingTimeInterval(seconds)
        while true {
            let remaining = deadline.timeIntervalSince(now())
            if remaining <= 0 { return }
            try await Task.sleep(nanoseconds: UInt64(min(remaining / timeScale, 0.25) * 1e9))
        }
    }
}

/// A clock that moves only when told to: `advance(seconds:)` wakes every sleeper whose deadline has passed.
public final class ManualLabClock: LabClock, @unchecked Sendable {
    public let timeScale: Double = 1
    private let lock = NSLock()
    private var current: Date
    private var sleepers: [(id: UInt64, deadline: Date, continuation: CheckedContinuation<Void, Never>)] = []
    private var nextSleeper: UInt64 = 0

    public init(now: Date = Date(timeIntervalSince1970: 1_700_000_000)) {
        current = now
    }

    public func now() -> Date { lock.withLock { current } }

    /// Number of tasks currently sleeping on this clock.
    public var sleeperCount: Int { lock.withLock { sleepers.count } }

    public func advance(seconds: Double) {
        let due: [CheckedContinuation<Void, Never>] = lock.withLock {
            current = current.addingTimeInterval(max(0, seconds))
            let now = current
            let ready = sleepers.filter { $0.deadline <= now }.map(\.continuation)
            sleepers.removeAll { $0.deadline <= now }
            return ready
        }
        for continuation in due { continuation.resume() }
    }

    /// Suspends until the clock has been advanced `seconds` past now; a cancelled task wakes at once and throws
    /// `CancellationError`, as it does on a `ScaledLabClock`.
    public func sleep(seconds: Double) async throws {
        let id: UInt64 = lock.withLock {
            nextSleeper += 1
            return nextSleeper
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow: Bool = lock.withLock {
                    let deadline = current.addingTimeInterval(seconds)
                    // Checked under the lock: a cancellation either sees the sleeper below or is seen here.
                    if deadline <= current || Task.isCancelled { return true }
                    sleepers.append((id, deadline, continuation))
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let cancelled: CheckedContinuation<Void, Never>? = lock.withLock {
                guard let index = sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return sleepers.remove(at: index).continuation
            }
            cancelled?.resume()
        }
        try Task.checkCancellation()
    }
}
