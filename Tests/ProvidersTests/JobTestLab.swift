import CIM
import Foundation
import Logging
import MOF
import Providers
import Testing

/// One host's job machinery for a test: the schema compiled from mof/wmilab.mof, a database in a fresh temporary
/// directory, a `ManualLabClock`, a `JobQueue` and an `ObjectManager` with the `JobProvider` registered for
/// `Msvm_ConcreteJob` (and, when asked, for `Msvm_AffectedJobElement`).
struct JobTestLab {
    static let namespace = CIMNamespace.virtualizationV2

    /// The compiled schema, shared by every test (compiling it once is what takes time).
    static let compiled: Result<SchemaRepository, JobLabError> = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let compilation = MOFCompiler().compile(files: [root.appendingPathComponent("mof/wmilab.mof")])
        guard compilation.errors.isEmpty else { return .failure(JobLabError("\(compilation.errors)")) }
        return .success(compilation.repository)
    }()

    static var schema: SchemaRepository {
        get throws { try compiled.get() }
    }

    let directory: URL
    let clock: ManualLabClock
    let store: InstanceStore
    let queue: JobQueue
    let objects: ObjectManager
    let provider: JobProvider

    /// A lab over `directory` (a new temporary one by default).
    init(directory: URL? = nil, clock: ManualLabClock = ManualLabClock(), registerAssociation: Bool = true) throws {
        let schema = try Self.schema
        self.directory =
            directory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("wmilab-jobs-\(UUID().uuidString)")
        self.clock = clock
        let logger = Logger(label: "wmilab.test.jobs") { _ in SwiftLogNoOpLogHandler() }
        store = try InstanceStore(database: try LabDatabase(directory: self.directory), schema: schema)
        queue = try JobQueue(store: store, clock: clock, logger: logger)
        provider = JobProvider(queue: queue)
        var registry = ProviderRegistry()
        registry.register(provider, forClass: "Msvm_ConcreteJob", in: Self.namespace)
        if registerAssociation {
            registry.register(provider, forClass: "Msvm_AffectedJobElement", in: Self.namespace)
        }
        objects = ObjectManager(schema: schema, registry: registry, store: store, logger: logger)
    }

    /// A second process on the same data directory, with its own clock.
    func reopened(clock: ManualLabClock = ManualLabClock()) throws -> JobTestLab {
        try JobTestLab(directory: directory, clock: clock)
    }

    static func description(
        _ caption: String = "Start Replication", jobType: UInt16? = 94, affecting elements: [CIMObjectPath] = [],
        cancellable: Bool = true
    ) -> JobDescription {
        JobDescription(
            namespace: namespace, className: "Msvm_ConcreteJob", jobType: jobType, caption: caption,
            affectedElements: elements, cancellable: cancellable)
    }

    /// The job instance as a client reads it.
    func get(_ job: CIMObjectPath) async throws -> CIMInstance {
        try await objects.getInstance(job, userName: nil)
    }

    func invoke(_ method: String, on job: CIMObjectPath, _ parameters: [String: CIMValue?] = [:]) async throws
        -> MethodResult
    {
        try await objects.invokeMethod(method, on: job, inParameters: parameters, userName: nil)
    }

    /// Stores a virtual machine to hang jobs on and returns its path.
    func storeVirtualMachine(_ name: String) throws -> CIMObjectPath {
        let vm = CIMInstance(
            className: "Msvm_ComputerSystem",
            values: [
                "CreationClassName": .string("Msvm_ComputerSystem"), "Name": .string(UUID().uuidString),
                "ElementName": .string(name),
            ])
        return try store.insert(vm, in: Self.namespace)
    }

    /// Waits (on wall time, bounded) for something another task does, such as a timer going to sleep.
    static func eventually(_ what: String, _ condition: () -> Bool) async throws {
        for _ in 0..<5000 {
            if condition() { return }
            try await Task.sleep(nanoseconds: 1_000_000)
        }
        Issue.record("timed out waiting for \(what)")
    }
}

struct JobLabError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Steps a job's work from a test: the work waits at each checkpoint until the test lets it go, and tells the test
/// what it reached.
struct JobStepper: Sendable {
    private let reached: AsyncStream<String>
    private let reachedContinuation: AsyncStream<String>.Continuation
    private let go: AsyncStream<Void>
    private let goContinuation: AsyncStream<Void>.Continuation

    init() {
        let reachedStream = AsyncStream<String>.makeStream()
        reached = reachedStream.stream
        reachedContinuation = reachedStream.continuation
        let goStream = AsyncStream<Void>.makeStream()
        go = goStream.stream
        goContinuation = goStream.continuation
    }

    /// The work's side: one per job; `checkpoint` announces `name`, then waits for `release`.
    func worker() -> Worker { Worker(stepper: self) }

    struct Worker {
        let stepper: JobStepper
        private var iterator: AsyncStream<Void>.Iterator

        init(stepper: JobStepper) {
            self.stepper = stepper
            iterator = stepper.go.makeAsyncIterator()
        }

        mutating func checkpoint(_ name: String) async {
            stepper.reachedContinuation.yield(name)
            _ = await iterator.next()
        }
    }

    /// The test's side: what the work reached next.
    func reachedIterator() -> AsyncStream<String>.Iterator { reached.makeAsyncIterator() }

    /// Lets the work past its current checkpoint.
    func release() { goContinuation.yield() }
}
