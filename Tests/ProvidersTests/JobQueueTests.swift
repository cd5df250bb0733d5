import CIM
import Foundation
import Providers
import Testing

@Suite("Job queue")
struct JobQueueTests {
    private struct DiskFull: Error, CustomStringConvertible {
        var description: String { "the replica volume is full" }
    }

    private func uint(_ instance: CIMInstance, _ name: String) -> UInt64? { instance[name]?.uint64Value }

    @Test("a job reports progress: a Get sees PercentComplete 0 → 25 → 50 → 75 → 100 and JobState 4 → 7")
    func progress() async throws {
        let lab = try JobTestLab()
        let stepper = JobStepper()
        let job = try lab.queue.start(JobTestLab.description()) { progress in
            var worker = stepper.worker()
            await worker.checkpoint("started")
            for percent in [25, 50, 75] {
                progress.report(percent: percent)
                await worker.checkpoint("\(percent)")
            }
        }
        var reached = stepper.reachedIterator()
        var seen: [(percent: UInt64?, state: UInt64?)] = []
        for _ in 0..<4 {
            _ = await reached.next()
            let instance = try await lab.get(job)
            seen.append((uint(instance, "PercentComplete"), uint(instance, "JobState")))
            lab.clock.advance(seconds: 10)
            stepper.release()
        }
        #expect(await lab.queue.wait(for: job) == .completed)
        let done = try await lab.get(job)
        seen.append((uint(done, "PercentComplete"), uint(done, "JobState")))
        #expect(seen.map(\.percent) == [0, 25, 50, 75, 100])
        #expect(seen.map(\.state) == [4, 4, 4, 4, 7])
        #expect(uint(done, "ErrorCode") == 0)
        #expect(done["ElapsedTime"]?.dateTimeValue?.intervalSeconds == 40)
        #expect(done["JobStatus"]?.stringValue == "Job completed successfully")
        #expect(done["OperationalStatus"] == .array([.uint16(2), .uint16(17)], elementType: .uint16))
    }

    @Test("a new job carries the Windows-shaped properties of Msvm_ConcreteJob and only declared ones")
    func newJobProperties() async throws {
        let lab = try JobTestLab()
        let stepper = JobStepper()
        let job = try lab.queue.start(JobTestLab.description("Start Replication", jobType: 94)) { _ in
            var worker = stepper.worker()
            await worker.checkpoint("running")
        }
        #expect(job.namespace == JobTestLab.namespace)
        #expect(job.className == "Msvm_ConcreteJob")
        #expect(job.keyBindings.map(\.name) == ["InstanceID"])
        let instance = try await lab.get(job)
        let id = try #require(instance["InstanceID"]?.stringValue)
        #expect(UUID(uuidString: id) != nil && id == id.uppercased() && !id.contains("{"))
        #expect(job[key: "InstanceID"]?.stringValue == id)
        for name in ["Name", "Caption", "ElementName", "Description"] {
            #expect(instance[name]?.stringValue == "Start Replication", "\(name)")
        }
        let now = CIMValue.datetime(CIMDateTime(date: lab.clock.now()))
        #expect(instance["TimeSubmitted"] == now && instance["StartTime"] == now)
        #expect(instance["TimeOfLastStateChange"] == now)
        #expect(instance["TimeBeforeRemoval"]?.dateTimeValue?.dmtfString == "00000000000500.000000:000")
        #expect(uint(instance, "JobType") == 94 && uint(instance, "JobState") == 4)
        #expect(uint(instance, "PercentComplete") == 0 && uint(instance, "ErrorCode") == 0)
        #expect(uint(instance, "LocalOrUtcTime") == 2 && uint(instance, "HealthState") == 5)
        #expect(uint(instance, "Priority") == 0 && uint(instance, "JobRunTimes") == 1)
        #expect(instance["Cancellable"] == .boolean(true) && instance["DeleteOnCompletion"] == .boolean(false))
        #expect(instance["OperationalStatus"] == .array([.uint16(2)], elementType: .uint16))
        #expect(instance["StatusDescriptions"] == .array([.string("OK")], elementType: .string))
        #expect(instance["JobStatus"]?.stringValue == "Job is running")
        let schema = try JobTestLab.schema
        let declared = try #require(schema.class(named: "Msvm_ConcreteJob", in: JobTestLab.namespace))
        for property in instance.properties {
            #expect(declared.property(named: property.name) != nil, "\(property.name) is not declared")
        }
        #expect(!instance.hasProperty("IsBackgroundTask"))
        stepper.release()
        #expect(await lab.queue.wait(for: job) == .completed)
    }

    @Test("progress is clamped, never goes back, and is ignored once the job ended")
    func progressIsMonotonic() async throws {
        let lab = try JobTestLab()
        let stepper = JobStepper()
        let job = try lab.queue.start(JobTestLab.description()) { progress in
            var worker = stepper.worker()
            progress.report(percent: 60)
            progress.report(percent: 30)
            await worker.checkpoint("back")
            progress.report(percent: 250)
            await worker.checkpoint("over")
        }
        var reached = stepper.reachedIterator()
        _ = await reached.next()
        #expect(uint(try await lab.get(job), "PercentComplete") == 60)
        stepper.release()
        _ = await reached.next()
        #expect(uint(try await lab.get(job), "PercentComplete") == 100)
        #expect(uint(try await lab.get(job), "JobState") == 4)
        stepper.release()
        #expect(await lab.queue.wait(for: job) == .completed)
    }

    @Test("work that throws JobFailure ends in JobState 10 with its ErrorCode and ErrorDescription")
    func failure() async throws {
        let lab = try JobTestLab()
        let failure = JobFailure(errorCode: 32775, errorDescription: "The virtual machine is not in a valid state.")
        let job = try lab.queue.start(JobTestLab.description()) { progress in
            progress.report(percent: 40)
            throw failure
        }
        #expect(await lab.queue.wait(for: job) == .failed(failure))
        let instance = try await lab.get(job)
        #expect(uint(instance, "JobState") == 10)
        #expect(uint(instance, "ErrorCode") == 32775)
        #expect(instance["ErrorDescription"]?.stringValue == failure.errorDescription)
        #expect(instance["ErrorSummaryDescription"]?.stringValue == "Start Replication failed.")
        #expect(uint(instance, "PercentComplete") == 40)
        #expect(instance["OperationalStatus"] == .array([.uint16(6), .uint16(17)], elementType: .uint16))
    }

    @Test("work that throws any other error ends in JobState 10, ErrorCode 32768, its text as description")
    func unexpectedError() async throws {
        let lab = try JobTestLab()
        let job = try lab.queue.start(JobTestLab.description()) { _ in throw DiskFull() }
        #expect(
            await lab.queue.wait(for: job)
                == .failed(JobFailure(errorCode: 32768, errorDescription: "the replica volume is full")))
        let instance = try await lab.get(job)
        #expect(uint(instance, "JobState") == 10 && uint(instance, "ErrorCode") == 32768)
    }

    @Test("cancel() terminates a running job: the work sees isCancelled, JobState 6 then 8")
    func cancel() async throws {
        let lab = try JobTestLab()
        let stepper = JobStepper()
        let sawCancel = JobFlag()
        let job = try lab.queue.start(JobTestLab.description()) { progress in
            var worker = stepper.worker()
            await worker.checkpoint("running")
            if progress.isCancelled { sawCancel.set() }
            try progress.checkCancellation()
        }
        var reached = stepper.reachedIterator()
        _ = await reached.next()
        #expect(lab.queue.cancel(job))
        #expect(uint(try await lab.get(job), "JobState") == 6)
        stepper.release()
        #expect(await lab.queue.wait(for: job) == .terminated)
        #expect(sawCancel.isSet)
        let instance = try await lab.get(job)
        #expect(uint(instance, "JobState") == 8 && uint(instance, "ErrorCode") == 32768)
        #expect(!lab.queue.cancel(job), "a finished job cannot be cancelled")
        var unknown = job
        unknown.keyBindings = [CIMKeyBinding(name: "InstanceID", value: .string(UUID().uuidString))]
        #expect(!lab.queue.cancel(unknown))
        #expect(await lab.queue.wait(for: unknown) == nil)
    }

    @Test("cancel() wakes work sleeping on the lab clock: the job ends Terminated without the clock moving")
    func cancelWakesSleepingWork() async throws {
        let lab = try JobTestLab()
        let clock = lab.clock
        let job = try lab.queue.start(JobTestLab.description()) { progress in
            progress.report(percent: 10)
            try await clock.sleep(seconds: 3600)
            progress.report(percent: 100)
        }
        try await JobTestLab.eventually("the work to sleep") { lab.clock.sleeperCount == 1 }
        let before = lab.clock.now()
        #expect(lab.queue.cancel(job))
        #expect(await lab.queue.wait(for: job) == .terminated)
        #expect(lab.clock.now() == before)
        let instance = try await lab.get(job)
        #expect(uint(instance, "JobState") == 8 && uint(instance, "PercentComplete") == 10)
    }

    @Test("a job started not cancellable refuses cancel() and runs to completion")
    func notCancellable() async throws {
        let lab = try JobTestLab()
        let stepper = JobStepper()
        let job = try lab.queue.start(JobTestLab.description(cancellable: false)) { _ in
            var worker = stepper.worker()
            await worker.checkpoint("running")
        }
        var reached = stepper.reachedIterator()
        _ = await reached.next()
        #expect(!lab.queue.cancel(job))
        #expect(try await lab.get(job)["Cancellable"] == .boolean(false))
        stepper.release()
        #expect(await lab.queue.wait(for: job) == .completed)
    }

    @Test("a finished job is removed after TimeBeforeRemoval of lab time, not before")
    func removal() async throws {
        let lab = try JobTestLab()
        let vm = try lab.storeVirtualMachine("VM1")
        let job = try lab.queue.start(JobTestLab.description(affecting: [vm])) { _ in }
        #expect(await lab.queue.wait(for: job) == .completed)
        try await JobTestLab.eventually("the removal timer") { lab.clock.sleeperCount == 1 }
        lab.clock.advance(seconds: 299)
        try await JobTestLab.eventually("the removal timer to sleep again") { lab.clock.sleeperCount == 1 }
        #expect(try await lab.get(job)["JobState"] == .uint16(7))
        #expect(lab.queue.jobs == [job])
        lab.clock.advance(seconds: 1)
        await lab.queue.waitForRemoval(of: job)
        let status = await #expect(throws: CIMStatus.self) { try await lab.get(job) }
        #expect(status?.code == .notFound)
        #expect(lab.queue.jobs.isEmpty)
        #expect(await lab.queue.wait(for: job) == nil)
        #expect(lab.store.instances(of: "Msvm_AffectedJobElement", in: JobTestLab.namespace).isEmpty)
    }

    @Test("removal honours the job's own TimeBeforeRemoval")
    func ownTimeBeforeRemoval() async throws {
        let lab = try JobTestLab()
        let stepper = JobStepper()
        let job = try lab.queue.start(JobTestLab.description()) { _ in
            var worker = stepper.worker()
            await worker.checkpoint("running")
        }
        var reached = stepper.reachedIterator()
        _ = await reached.next()
        var change = CIMInstance(className: "Msvm_ConcreteJob")
        change["TimeBeforeRemoval"] = .datetime(CIMDateTime(intervalSeconds: 60))
        try lab.store.update(change, at: job, in: JobTestLab.namespace)
        stepper.release()
        #expect(await lab.queue.wait(for: job) == .completed)
        lab.clock.advance(seconds: 60)
        await lab.queue.waitForRemoval(of: job)
        await #expect(throws: CIMStatus.self) { try await lab.get(job) }
    }

    @Test("a client's Put of TimeBeforeRemoval re-arms the removal of a finished job; other changes are refused")
    func putTimeBeforeRemoval() async throws {
        let lab = try JobTestLab()
        let job = try lab.queue.start(JobTestLab.description()) { _ in }
        #expect(await lab.queue.wait(for: job) == .completed)
        try await JobTestLab.eventually("the removal timer") { lab.clock.sleeperCount == 1 }

        var state = CIMInstance(className: "Msvm_ConcreteJob")
        state["JobState"] = .uint16(4)
        let refused = await #expect(throws: CIMStatus.self) {
            _ = try await lab.objects.modifyInstance(state, at: job, userName: nil)
        }
        #expect(refused?.code == .notSupported)
        var timestamp = CIMInstance(className: "Msvm_ConcreteJob")
        timestamp["TimeBeforeRemoval"] = .datetime(CIMDateTime(date: lab.clock.now()))
        let invalid = await #expect(throws: CIMStatus.self) {
            _ = try await lab.objects.modifyInstance(timestamp, at: job, userName: nil)
        }
        #expect(invalid?.code == .invalidParameter)

        lab.clock.advance(seconds: 20)
        var change = CIMInstance(className: "Msvm_ConcreteJob")
        change["TimeBeforeRemoval"] = .string("00000000000030.000000:000")
        let changed = try await lab.objects.modifyInstance(change, at: job, userName: nil)
        #expect(changed["TimeBeforeRemoval"]?.dateTimeValue?.intervalSeconds == 30)
        #expect(changed["JobState"] == .uint16(7))
        try await JobTestLab.eventually("the old timer to go") { lab.clock.sleeperCount == 1 }
        lab.clock.advance(seconds: 10)
        await lab.queue.waitForRemoval(of: job)
        await #expect(throws: CIMStatus.self) { try await lab.get(job) }
    }

    @Test("restart: a job left running in the database becomes JobState 10 with the documented message")
    func restart() async throws {
        let first = try JobTestLab()
        let stepper = JobStepper()
        let vm = try first.storeVirtualMachine("VM1")
        let running = try first.queue.start(JobTestLab.description(affecting: [vm])) { progress in
            var worker = stepper.worker()
            progress.report(percent: 30)
            await worker.checkpoint("running")
        }
        let done = try first.queue.start(JobTestLab.description("Remove Replication Relationship")) { _ in }
        var reached = stepper.reachedIterator()
        _ = await reached.next()
        #expect(await first.queue.wait(for: done) == .completed)

        let second = try first.reopened()
        let instance = try await second.get(running)
        #expect(uint(instance, "JobState") == 10)
        #expect(uint(instance, "ErrorCode") == 32768)
        #expect(instance["ErrorDescription"]?.stringValue == JobFailure.hostRestarted.errorDescription)
        #expect(uint(instance, "PercentComplete") == 30)
        #expect(await second.queue.wait(for: running) == .failed(.hostRestarted))
        #expect(await second.queue.wait(for: done) == .completed)
        #expect(!second.queue.cancel(running))
        let result = try await second.invoke("GetError", on: running)
        let message = result[outParameter: "Error"]?.instanceValue?["Message"]
        #expect(message == .string(JobFailure.hostRestarted.errorDescription))

        // Both jobs get their removal timers again, links included.
        try await JobTestLab.eventually("two removal timers") { second.clock.sleeperCount == 2 }
        second.clock.advance(seconds: 300)
        await second.queue.waitForRemoval(of: running)
        await second.queue.waitForRemoval(of: done)
        await #expect(throws: CIMStatus.self) { try await second.get(running) }
        await #expect(throws: CIMStatus.self) { try await second.get(done) }
        #expect(second.store.instances(of: "Msvm_AffectedJobElement", in: JobTestLab.namespace).isEmpty)
        stepper.release()
    }

    @Test("any concrete job class of the schema works: MSFT_StorageJob keyed by ObjectId")
    func storageJob() async throws {
        let lab = try JobTestLab()
        let namespace: CIMNamespace = "root/Microsoft/Windows/Storage"
        let disk = CIMObjectPath(
            namespace: namespace, className: "MSFT_VirtualDisk", keys: ["ObjectId": .string("{1}\\lab\\disk-1")])
        let description = JobDescription(
            namespace: namespace, className: "MSFT_StorageJob", jobType: nil, caption: "Create Replica",
            affectedElements: [disk])
        let job = try lab.queue.start(description) { progress in progress.report(percent: 50) }
        #expect(job.keyBindings.map(\.name) == ["ObjectId"])
        #expect(await lab.queue.wait(for: job) == .completed)
        let instance = try await lab.objects.getInstance(job, userName: nil)
        #expect(uint(instance, "JobState") == 7 && uint(instance, "PercentComplete") == 100)
        #expect(instance["IsBackgroundTask"] == .boolean(false))
        #expect(!instance.hasProperty("JobType") && !instance.hasProperty("InstanceID"))
        // The storage namespace's own association links the job to the disk.
        let links = lab.store.instances(of: "MSFT_StorageJobToAffectedStorageObject", in: namespace)
        #expect(links.count == 1)
        #expect(links.first?["StorageJob"]?.referenceValue?.refersToSameInstance(as: job) == true)
        #expect(links.first?["AffectedStorageObject"]?.referenceValue?.refersToSameInstance(as: disk) == true)
    }

    @Test(
        "starting a job of a class that is not a job class is a clear error",
        arguments: ["Msvm_NoSuchJob", "Msvm_ComputerSystem", "Msvm_Error"])
    func badClass(className: String) throws {
        let lab = try JobTestLab()
        let description = JobDescription(
            namespace: JobTestLab.namespace, className: className, jobType: nil, caption: "Nothing")
        let status = #expect(throws: CIMStatus.self) { try lab.queue.start(description) { _ in } }
        #expect(status?.code == .invalidClass)
        #expect(lab.queue.jobs.isEmpty)
    }

    @Test("starting a job in a namespace the schema does not have is invalidNamespace")
    func badNamespace() throws {
        let lab = try JobTestLab()
        let description = JobDescription(
            namespace: "root/nowhere", className: "Msvm_ConcreteJob", jobType: nil, caption: "Nothing")
        let status = #expect(throws: CIMStatus.self) { try lab.queue.start(description) { _ in } }
        #expect(status?.code == .invalidNamespace)
    }
}

final class JobFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
