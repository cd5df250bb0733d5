import CIM
import Foundation
import Logging

/// Runs long work as CIM jobs: one `Msvm_ConcreteJob` (or other job class) instance per job, kept in the
/// `InstanceStore` so a Get sees JobState, PercentComplete and ErrorCode as they change, linked to the elements it
/// affects, removed `TimeBeforeRemoval` of lab time after it ends, and failed with a clear error when the process
/// died under it (see `init`).
///
/// Every change of a job is committed to the store before the call that makes it returns. Open the queue after
/// the lab has been seeded into the store, and register a `JobProvider` over it for the job classes.
public final class JobQueue: @unchecked Sendable {
    /// What the queue keeps about each job it knows, running or waiting for removal.
    struct Record {
        var path: CIMObjectPath
        var jobClass: JobClass
        var caption: String
        var startTime: Date
        var lifecycle: JobLifecycle
        var percent = 0
        var progress: JobProgress?
        var task: Task<Void, Never>?
        var associations: [CIMObjectPath] = []
        var waiters: [CheckedContinuation<JobOutcome?, Never>] = []
        var removalWaiters: [CheckedContinuation<Void, Never>] = []
        /// When the job ended (lab time), and the timer that removes it.
        var endTime: Date?
        var removal: Task<Void, Never>?
    }

    /// What a cancellation request came to.
    enum CancellationAnswer: Sendable, Hashable {
        /// Accepted: the job is shutting down and will end Terminated or Killed.
        case accepted
        case refused(JobLifecycle.Refusal)
        case unknownJob
    }

    let store: InstanceStore
    let clock: any LabClock
    let logger: Logger
    private let lock = NSLock()
    private var records: [String: Record] = [:]
    private var classes: [String: JobClass] = [:]

    /// Opens the queue over `store`. Jobs the store holds unfinished (JobState 2–6: their work died with the
    /// previous process) end as JobState 10, ErrorCode 32768, `JobFailure.hostRestarted`; every stored job gets its
    /// removal timer again.
    public init(store: InstanceStore, clock: any LabClock, logger: Logger) throws {
        self.store = store
        self.clock = clock
        self.logger = logger
        try recoverStoredJobs()
    }

    // MARK: Starting and waiting

    /// Creates the job instance (JobState 4 Running, PercentComplete 0, TimeSubmitted/StartTime now, persisted
    /// before it returns) and runs `work` in its own Task. When work returns: JobState 7, PercentComplete 100,
    /// ErrorCode 0. When it throws JobFailure: JobState 10 with its code and description. Any other error:
    /// JobState 10, ErrorCode 32768, description from the error. Cancelled (RequestStateChange 4/5 or cancel()):
    /// JobState 6 until the work returns, then 8 (Terminate) / 9 (Kill), whatever the work did. Returns the job's
    /// path (namespace set, key InstanceID).
    ///
    /// Throws `CIMStatus.invalidNamespace` / `.invalidClass` when the schema has no such namespace or job class,
    /// `CIMStatus.failed` when there are affected elements but the namespace has no association to link them
    /// (nothing is stored then).
    @discardableResult
    public func start(
        _ description: JobDescription, work: @escaping @Sendable (JobProgress) async throws -> Void
    ) throws -> CIMObjectPath {
        let jobClass = try self.jobClass(description.className, in: description.namespace)
        let id = UUID().uuidString.uppercased()
        let now = clock.now()
        let instance = jobClass.instance(
            JobProperties.started(id: id, description: description, keyNames: jobClass.keyNames, now: now))
        let namespace = description.namespace
        let progress = JobProgress(jobID: id, queue: self)
        let path: CIMObjectPath = try lock.withLock {
            let path = try store.insert(instance, in: namespace)
            var record = Record(
                path: path, jobClass: jobClass, caption: description.caption, startTime: now,
                lifecycle: JobLifecycle(cancellable: description.cancellable), progress: progress)
            do {
                record.associations = try linkAffectedElements(description.affectedElements, to: path, of: jobClass)
            } catch {
                try? store.delete(at: path, in: namespace)
                throw error
            }
            records[id] = record
            return path
        }
        logger.debug("Job started", metadata: ["job": "\(id)", "caption": "\(description.caption)"])
        let task = Task {
            let event: JobLifecycle.Event
            do {
                try await work(progress)
                event = .workReturned
            } catch let failure as JobFailure {
                event = .workFailed(failure)
            } catch {
                event = .workFailed(.unexpected(error))
            }
            self.handle(event, forJob: id)
        }
        let cancelNow: Bool = lock.withLock {
            guard var record = records[id], !record.lifecycle.isFinished else { return false }
            record.task = task
            records[id] = record
            if case .stopping = record.lifecycle.phase { return true }
            return false
        }
        if cancelNow { task.cancel() }
        return path
    }

    /// Suspends until the job has finished (returns at once when it already has); nil for an unknown job (never
    /// started here, or already removed).
    public func wait(for job: CIMObjectPath) async -> JobOutcome? {
        guard let id = JobClass.identifier(of: job) else { return nil }
        return await withCheckedContinuation { (continuation: CheckedContinuation<JobOutcome?, Never>) in
            let answer: JobOutcome?? = lock.withLock {
                guard var record = records[id] else { return .some(nil) }
                if let outcome = record.lifecycle.outcome { return .some(outcome) }
                record.waiters.append(continuation)
                records[id] = record
                return .none
            }
            if let answer { continuation.resume(returning: answer) }
        }
    }

    /// Suspends until the job's instance has been removed (`TimeBeforeRemoval` of lab time after it ended); returns
    /// at once for an unknown or already removed job.
    public func waitForRemoval(of job: CIMObjectPath) async {
        guard let id = JobClass.identifier(of: job) else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let waiting: Bool = lock.withLock {
                guard var record = records[id] else { return false }
                record.removalWaiters.append(continuation)
                records[id] = record
                return true
            }
            if !waiting { continuation.resume() }
        }
    }

    /// Requests cancellation (Terminate); false when the job is unknown, finished or not cancellable.
    @discardableResult
    public func cancel(_ job: CIMObjectPath) -> Bool {
        requestCancellation(job, .terminate) == .accepted
    }

    /// The paths of the jobs the queue knows (running or not yet removed), oldest first.
    public var jobs: [CIMObjectPath] {
        lock.withLock { records.values.sorted { $0.startTime < $1.startTime }.map(\.path) }
    }

    // MARK: Events

    /// Terminate or kill a job on a client's request.
    func requestCancellation(_ job: CIMObjectPath, _ kind: JobCancellation) -> CancellationAnswer {
        guard let id = JobClass.identifier(of: job) else { return .unknownJob }
        let (answer, task, progress): (CancellationAnswer, Task<Void, Never>?, JobProgress?) = lock.withLock {
            guard var record = records[id] else { return (.unknownJob, nil, nil) }
            let action = record.lifecycle.handle(.cancel(kind))
            records[id] = record
            switch action {
            case .stop:
                persist(JobProperties.stopping(now: clock.now()), of: record)
                return (.accepted, record.task, record.progress)
            case .alreadyStopping:
                return (.accepted, nil, nil)
            case .refuse(let refusal):
                return (.refused(refusal), nil, nil)
            case .finish, .none:
                return (.refused(.finished), nil, nil)
            }
        }
        if answer == .accepted {
            logger.debug("Job cancellation requested", metadata: ["job": "\(id)", "kind": "\(kind)"])
        }
        progress?.markCancelled()
        task?.cancel()
        return answer
    }

    /// Records a new percentage for a running job.
    func recordProgress(jobID id: String, percent: Int) {
        lock.withLock {
            guard var record = records[id], record.lifecycle.phase == .running, percent > record.percent else {
                return
            }
            record.percent = percent
            records[id] = record
            let now = clock.now()
            persist(JobProperties.progress(percent: percent, startTime: record.startTime, now: now), of: record)
        }
    }

    /// The work of a job returned or threw.
    private func handle(_ event: JobLifecycle.Event, forJob id: String) {
        let finished: (outcome: JobOutcome, waiters: [CheckedContinuation<JobOutcome?, Never>], deadline: Date)? =
            lock.withLock {
                guard var record = records[id], case .finish(let outcome) = record.lifecycle.handle(event) else {
                    return nil
                }
                return finishLocked(&record, id: id, outcome: outcome)
            }
        guard let finished else { return }
        logger.debug("Job finished", metadata: ["job": "\(id)", "outcome": "\(finished.outcome)"])
        for waiter in finished.waiters { waiter.resume(returning: finished.outcome) }
        scheduleRemoval(of: id, at: finished.deadline)
    }

    /// Persists the end of a job whose lifecycle just finished; returns who to wake and when to remove it.
    /// Call with the lock held.
    private func finishLocked(
        _ record: inout Record, id: String, outcome: JobOutcome
    ) -> (outcome: JobOutcome, waiters: [CheckedContinuation<JobOutcome?, Never>], deadline: Date) {
        let now = clock.now()
        persist(
            JobProperties.finished(outcome, caption: record.caption, startTime: record.startTime, now: now),
            of: record)
        let waiters = record.waiters
        record.waiters = []
        record.progress = nil
        record.task = nil
        record.endTime = now
        records[id] = record
        return (outcome, waiters, now.addingTimeInterval(timeBeforeRemoval(of: record)))
    }

    // MARK: Store access (lock held)

    /// Writes `values` (those the class declares) over the stored job. A failure is logged: the job's work has
    /// already happened, and a job whose instance is gone has nothing left to update.
    private func persist(_ values: [(String, CIMValue?)], of record: Record) {
        do {
            try store.update(record.jobClass.instance(values), at: record.path, in: record.jobClass.namespace)
        } catch {
            logger.error("Cannot update job", metadata: ["job": "\(record.path)", "error": "\(error)"])
        }
    }

    /// The job's own TimeBeforeRemoval (a client may have changed it), in seconds.
    private func timeBeforeRemoval(of record: Record) -> Double {
        store.instance(at: record.path, in: record.jobClass.namespace)?["TimeBeforeRemoval"]?
            .dateTimeValue?.intervalSeconds ?? JobProperties.defaultTimeBeforeRemoval
    }

    /// Stores one association instance per affected element and returns their paths.
    private func linkAffectedElements(
        _ elements: [CIMObjectPath], to job: CIMObjectPath, of jobClass: JobClass
    ) throws -> [CIMObjectPath] {
        guard !elements.isEmpty else { return [] }
        guard let association = jobClass.association else {
            throw CIMStatus.failed(
                "Namespace \(jobClass.namespace) has no association linking \(jobClass.name) to affected elements")
        }
        var seen: [CIMObjectPath] = []
        var paths: [CIMObjectPath] = []
        for var element in elements {
            if element.namespace == nil { element.namespace = jobClass.namespace }
            if seen.contains(where: { $0.refersToSameInstance(as: element) }) { continue }
            seen.append(element)
            var link = CIMInstance(className: association.className)
            link[association.jobRole] = .reference(job)
            link[association.elementRole] = .reference(element)
            if association.hasElementEffects {
                // CIM_AffectedJobElement.ElementEffects 2 "Exclusive Use": the element takes no other job meanwhile.
                link["ElementEffects"] = .array([.uint16(2)], elementType: .uint16)
            }
            do {
                paths.append(try store.insert(link, in: jobClass.namespace))
            } catch {
                for path in paths { try? store.delete(at: path, in: jobClass.namespace) }
                throw error
            }
        }
        return paths
    }

    private func jobClass(_ className: String, in namespace: CIMNamespace) throws -> JobClass {
        let cacheKey = namespace.key + ":" + className.lowercased()
        if let cached = lock.withLock({ classes[cacheKey] }) { return cached }
        let jobClass = try JobClass(className, in: namespace, schema: store.schema)
        lock.withLock { classes[cacheKey] = jobClass }
        return jobClass
    }

    // MARK: Removal

    /// Changes the TimeBeforeRemoval of a job (a client's Put); a job that has ended gets its removal timer again,
    /// counted from its end. Throws `CIMStatus.notFound` for a job the queue does not know.
    func setTimeBeforeRemoval(_ seconds: Double, of job: CIMObjectPath) throws {
        guard let id = JobClass.identifier(of: job) else { throw CIMStatus.notFound("No job at \(job)") }
        let deadline: Date? = try lock.withLock {
            guard let record = records[id] else { throw CIMStatus.notFound("No job at \(job)") }
            let change = record.jobClass.instance([
                ("TimeBeforeRemoval", .datetime(CIMDateTime(intervalSeconds: seconds)))
            ])
            try store.update(change, at: record.path, in: record.jobClass.namespace)
            guard let ended = record.endTime else { return nil }
            record.removal?.cancel()
            return ended.addingTimeInterval(seconds)
        }
        if let deadline { scheduleRemoval(of: id, at: deadline) }
    }

    /// Removes the job's instance and links once lab time reaches `deadline`.
    private func scheduleRemoval(of id: String, at deadline: Date) {
        // The timer holds the queue weakly: a queue nobody uses any more (and its database) goes away with its
        // timers still asleep.
        let clock = self.clock
        let removal = Task { [weak self] in
            while true {
                let remaining = deadline.timeIntervalSince(clock.now())
                if remaining <= 0 { break }
                do {
                    try await clock.sleep(seconds: remaining)
                } catch {
                    return
                }
            }
            self?.remove(id)
        }
        lock.withLock { records[id]?.removal = removal }
    }

    private func remove(_ id: String) {
        let waiters: [CheckedContinuation<Void, Never>] = lock.withLock {
            guard let record = records.removeValue(forKey: id) else { return [] }
            let namespace = record.jobClass.namespace
            for path in record.associations + [record.path] {
                do {
                    try store.delete(at: path, in: namespace)
                } catch let status as CIMStatus where status.code == .notFound {
                    continue
                } catch {
                    logger.error("Cannot remove job", metadata: ["path": "\(path)", "error": "\(error)"])
                }
            }
            return record.removalWaiters
        }
        logger.debug("Job removed", metadata: ["job": "\(id)"])
        for waiter in waiters { waiter.resume() }
    }

    // MARK: Restart

    /// Loads every job the store holds: unfinished ones end as failed, every one gets its removal timer.
    private func recoverStoredJobs() throws {
        let schema = store.schema
        var removals: [(String, Date)] = []
        lock.withLock {
            for namespace in schema.namespaces {
                for cls in schema.classes(in: namespace) where JobClass.isJobClass(cls) {
                    let stored = store.instances(of: cls.name, in: namespace)
                    guard !stored.isEmpty, let jobClass = try? JobClass(cls.name, in: namespace, schema: schema)
                    else { continue }
                    for instance in stored {
                        guard let removal = recoverLocked(instance, of: jobClass) else { continue }
                        removals.append(removal)
                    }
                }
            }
        }
        for (id, deadline) in removals { scheduleRemoval(of: id, at: deadline) }
    }

    /// Rebuilds the record of one stored job (lock held); returns its id and removal deadline.
    private func recoverLocked(_ instance: CIMInstance, of jobClass: JobClass) -> (String, Date)? {
        let path = store.schema.path(of: instance, in: jobClass.namespace)
        guard let id = JobClass.identifier(of: path) else { return nil }
        let caption = instance["Caption"]?.stringValue ?? instance["Name"]?.stringValue ?? jobClass.name
        let startTime = instance["StartTime"]?.dateTimeValue?.date ?? clock.now()
        let cancellable = instance["Cancellable"]?.boolValue ?? false
        var record = Record(
            path: path, jobClass: jobClass, caption: caption, startTime: startTime,
            lifecycle: JobLifecycle(cancellable: cancellable))
        record.associations = storedAssociations(of: path, jobClass: jobClass)
        if let outcome = JobProperties.outcome(of: instance) {
            record.lifecycle = JobLifecycle(cancellable: cancellable, phase: .finished(outcome))
            // Lab time may have restarted behind the stored times; a job never lingers longer than its full time.
            let now = clock.now()
            let ended = min(instance["TimeOfLastStateChange"]?.dateTimeValue?.date ?? now, now)
            record.endTime = ended
            records[id] = record
            return (id, ended.addingTimeInterval(timeBeforeRemoval(of: record)))
        }
        _ = record.lifecycle.handle(.hostRestarted)
        logger.warning("Job was running when the host stopped; it failed", metadata: ["job": "\(id)"])
        let finished = finishLocked(&record, id: id, outcome: .failed(.hostRestarted))
        return (id, finished.deadline)
    }

    /// The stored association instances that link the job at `path` to affected elements.
    private func storedAssociations(of path: CIMObjectPath, jobClass: JobClass) -> [CIMObjectPath] {
        guard let association = jobClass.association else { return [] }
        return store.instances(of: association.className, in: jobClass.namespace).compactMap { link in
            guard case .reference(let job) = link[association.jobRole], job.refersToSameInstance(as: path) else {
                return nil
            }
            return store.schema.path(of: link, in: jobClass.namespace)
        }
    }
}
