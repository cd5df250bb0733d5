import CIM
import Foundation
import Logging
import Providers
import Testing

@Suite("Job provider")
struct JobProviderTests {
    private func uint(_ instance: CIMInstance?, _ name: String) -> UInt64? { instance?[name]?.uint64Value }

    /// A job whose work waits at a checkpoint until released, and the stepper that releases it.
    private func runningJob(
        _ lab: JobTestLab, cancellable: Bool = true, affecting elements: [CIMObjectPath] = []
    ) async throws -> (CIMObjectPath, JobStepper) {
        let stepper = JobStepper()
        let job = try lab.queue.start(JobTestLab.description(affecting: elements, cancellable: cancellable)) {
            progress in
            var worker = stepper.worker()
            await worker.checkpoint("running")
            try progress.checkCancellation()
        }
        var reached = stepper.reachedIterator()
        _ = await reached.next()
        return (job, stepper)
    }

    private func requestStateChange(
        _ lab: JobTestLab, _ job: CIMObjectPath, _ state: UInt16, timeout: CIMValue? = nil
    ) async throws -> UInt64? {
        var parameters: [String: CIMValue?] = ["RequestedState": .uint16(state)]
        if let timeout { parameters["TimeoutPeriod"] = timeout }
        return try await lab.invoke("RequestStateChange", on: job, parameters).returnValue?.uint64Value
    }

    @Test("GetError of a failed job returns an embedded Msvm_Error with its message; GetErrorEx an array")
    func getErrorOfFailedJob() async throws {
        let lab = try JobTestLab()
        let failure = JobFailure(errorCode: 32777, errorDescription: "The Replica server is not reachable.")
        let job = try lab.queue.start(JobTestLab.description()) { _ in throw failure }
        #expect(await lab.queue.wait(for: job) == .failed(failure))

        let result = try await lab.invoke("GetError", on: job)
        #expect(result.returnValue == .uint32(0))
        let error = try #require(result[outParameter: "Error"]?.instanceValue)
        #expect(error.className == "Msvm_Error")
        #expect(error["Message"] == .string(failure.errorDescription))
        #expect(error["MessageID"] == .string("32777"))
        #expect(error["OwningEntity"] == .string("Microsoft-Windows-Hyper-V-VMMS"))
        #expect(error["ErrorSource"] == .string(job.description))
        let source = try CIMObjectPath(parsing: error["ErrorSource"]?.stringValue ?? "")
        #expect(source.refersToSameInstance(as: job))
        #expect(uint(error, "ErrorSourceFormat") == 2)
        #expect(uint(error, "ErrorType") == 9)
        #expect(uint(error, "ProbableCause") == 72)
        #expect(uint(error, "PerceivedSeverity") == 5)
        #expect(uint(error, "CIMStatusCode") == 1)
        let schema = try JobTestLab.schema
        let errorClass = try #require(schema.class(named: "Msvm_Error", in: JobTestLab.namespace))
        for property in error.properties {
            #expect(errorClass.property(named: property.name) != nil, "\(property.name) is not declared")
        }

        let all = try await lab.invoke("GetErrorEx", on: job)
        #expect(all.returnValue == .uint32(0))
        let errors = try #require(all[outParameter: "Errors"]?.arrayElements)
        #expect(errors.count == 1)
        #expect(errors.first?.instanceValue == error)
    }

    @Test("GetError and GetErrorEx of a good job return 0 and Null, while running and once completed")
    func getErrorOfGoodJob() async throws {
        let lab = try JobTestLab()
        let (job, stepper) = try await runningJob(lab)
        for _ in 0..<2 {
            let result = try await lab.invoke("GetError", on: job)
            #expect(result.returnValue == .uint32(0))
            #expect(result.outParameters.map(\.name) == ["Error"])
            #expect(result[outParameter: "Error"] == nil)
            let all = try await lab.invoke("GetErrorEx", on: job)
            #expect(all.returnValue == .uint32(0) && all[outParameter: "Errors"] == nil)
            stepper.release()
            #expect(await lab.queue.wait(for: job) == .completed)
        }
    }

    @Test("RequestStateChange(4) terminates: 4096, the work sees isCancelled, JobState 6 then 8")
    func terminate() async throws {
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
        #expect(try await requestStateChange(lab, job, 4) == 4096)
        #expect(uint(try await lab.get(job), "JobState") == 6)
        #expect(try await requestStateChange(lab, job, 4) == 4096, "a second request while shutting down")
        stepper.release()
        #expect(await lab.queue.wait(for: job) == .terminated)
        #expect(sawCancel.isSet)
        let instance = try await lab.get(job)
        #expect(uint(instance, "JobState") == 8)
        #expect(uint(instance, "ErrorCode") == 32768)
        #expect(instance["OperationalStatus"] == .array([.uint16(10), .uint16(17)], elementType: .uint16))
        let error = try await lab.invoke("GetError", on: job)[outParameter: "Error"]?.instanceValue
        #expect(error?["Message"] == instance["ErrorDescription"])
        #expect(uint(error, "PerceivedSeverity") == 2)
    }

    @Test("RequestStateChange(5) kills: JobState 9")
    func kill() async throws {
        let lab = try JobTestLab()
        let (job, stepper) = try await runningJob(lab)
        #expect(try await requestStateChange(lab, job, 5, timeout: .datetime(CIMDateTime(intervalSeconds: 0))) == 4096)
        stepper.release()
        #expect(await lab.queue.wait(for: job) == .killed)
        #expect(uint(try await lab.get(job), "JobState") == 9)
    }

    @Test(
        "RequestStateChange refusals on a running job",
        arguments: [
            (state: UInt16(2), expected: UInt64(1)), (3, 1), (6, 1),
        ])
    func refusedWhileRunning(state: UInt16, expected: UInt64) async throws {
        let lab = try JobTestLab()
        let (job, stepper) = try await runningJob(lab)
        #expect(try await requestStateChange(lab, job, state) == expected)
        #expect(uint(try await lab.get(job), "JobState") == 4)
        stepper.release()
        #expect(await lab.queue.wait(for: job) == .completed)
    }

    @Test("RequestStateChange with a TimeoutPeriod is 4098; on a job not cancellable 1")
    func timeoutAndNotCancellable() async throws {
        let lab = try JobTestLab()
        let (job, stepper) = try await runningJob(lab)
        #expect(
            try await requestStateChange(lab, job, 4, timeout: .datetime(CIMDateTime(intervalSeconds: 30))) == 4098)
        stepper.release()
        #expect(await lab.queue.wait(for: job) == .completed)

        let (fixed, fixedStepper) = try await runningJob(lab, cancellable: false)
        #expect(try await requestStateChange(lab, fixed, 4) == 1)
        #expect(try await requestStateChange(lab, fixed, 5) == 1)
        fixedStepper.release()
        #expect(await lab.queue.wait(for: fixed) == .completed)
    }

    @Test("RequestStateChange on a finished job is 4097 Invalid State Transition", arguments: [UInt16(4), 5])
    func refusedWhenFinished(state: UInt16) async throws {
        let lab = try JobTestLab()
        let job = try lab.queue.start(JobTestLab.description()) { _ in }
        #expect(await lab.queue.wait(for: job) == .completed)
        #expect(try await requestStateChange(lab, job, state) == 4097)
        #expect(uint(try await lab.get(job), "JobState") == 7)
    }

    @Test("every code the provider returns is in the ValueMap Msvm_ConcreteJob declares")
    func codesAreDeclared() throws {
        let schema = try JobTestLab.schema
        let requestStateChange = try #require(
            schema.method("RequestStateChange", of: "Msvm_ConcreteJob", in: JobTestLab.namespace))
        for code in ["1", "4096", "4097", "4098", "5"] {
            #expect(requestStateChange.valueMap?.contains(code) == true, "\(code)")
        }
        for method in ["GetError", "GetErrorEx"] {
            let declared = try #require(schema.method(method, of: "Msvm_ConcreteJob", in: JobTestLab.namespace))
            #expect(declared.valueMap?.contains("0") == true)
        }
    }

    @Test("jobs enumerate through CIM_ConcreteJob and are found through it; other methods are not supported")
    func enumerateAndGet() async throws {
        let lab = try JobTestLab()
        let first = try lab.queue.start(JobTestLab.description("Start Replication")) { _ in }
        let second = try lab.queue.start(JobTestLab.description("Initiate Failover", jobType: 97)) { _ in }
        _ = await lab.queue.wait(for: first)
        _ = await lab.queue.wait(for: second)
        let jobs = try await lab.objects.enumerateInstances(
            of: "CIM_ConcreteJob", in: JobTestLab.namespace, userName: nil)
        #expect(Set(jobs.compactMap { $0["Caption"]?.stringValue }) == ["Start Replication", "Initiate Failover"])
        // Registered for a parent class, the provider finds a job addressed through that class.
        var viaParent = second
        viaParent.className = "CIM_ConcreteJob"
        let context = ProviderContext(
            namespace: JobTestLab.namespace, schema: try JobTestLab.schema,
            logger: Logger(label: "wmilab.test.jobs") { _ in SwiftLogNoOpLogHandler() })
        #expect(try await lab.provider.getInstance(viaParent, context: context)["JobType"] == .uint16(97))
        let status = await #expect(throws: CIMStatus.self) {
            _ = try await lab.invoke("KillJob", on: first, ["DeleteOnKill": .boolean(false)])
        }
        #expect(status?.code == .notSupported)
    }

    @Test("a provider over storage jobs answers GetExtendedStatus with its own error class")
    func storageExtendedStatus() async throws {
        let lab = try JobTestLab()
        let namespace: CIMNamespace = "root/Microsoft/Windows/Storage"
        let failure = JobFailure(errorCode: 32768, errorDescription: "The replica disk is offline.")
        let job = try lab.queue.start(
            JobDescription(namespace: namespace, className: "MSFT_StorageJob", jobType: nil, caption: "Sync")
        ) { _ in throw failure }
        #expect(await lab.queue.wait(for: job) == .failed(failure))
        let provider = JobProvider(
            queue: lab.queue, errorClass: "MSFT_StorageExtendedStatus", owningEntity: "Microsoft-Windows-Storage")
        let context = ProviderContext(
            namespace: namespace, schema: try JobTestLab.schema,
            logger: Logger(label: "wmilab.test.jobs") { _ in SwiftLogNoOpLogHandler() })
        let result = try await provider.invokeMethod(
            "GetExtendedStatus", on: job, inParameters: [:], context: context)
        #expect(result.returnValue == .uint32(0))
        let status = try #require(result[outParameter: "ExtendedStatus"]?.instanceValue)
        #expect(status.className == "MSFT_StorageExtendedStatus")
        #expect(status["Message"] == .string(failure.errorDescription))
        #expect(status["OwningEntity"] == .string("Microsoft-Windows-Storage"))
        let stop = try await provider.invokeMethod(
            "RequestStateChange", on: job, inParameters: ["RequestedState": .uint16(4)], context: context)
        #expect(stop.returnValue == .uint32(4097))
    }

    @Test(
        "Msvm_AffectedJobElement links job and VM in both directions", arguments: [true, false])
    func associations(registerAssociation: Bool) async throws {
        let lab = try JobTestLab(registerAssociation: registerAssociation)
        let vm = try lab.storeVirtualMachine("VM1")
        let other = try lab.storeVirtualMachine("VM2")
        let (job, stepper) = try await runningJob(lab, affecting: [vm])
        let unrelated = try lab.queue.start(JobTestLab.description(affecting: [other])) { _ in }
        #expect(await lab.queue.wait(for: unrelated) == .completed)

        let fromJob = try await lab.objects.associators(
            of: job, associationClass: "Msvm_AffectedJobElement", resultClass: nil, role: nil, resultRole: nil,
            userName: nil)
        #expect(fromJob.map { $0["ElementName"] } == [.string("VM1")])

        let fromVM = try await lab.objects.associators(
            of: vm, associationClass: "CIM_AffectedJobElement", resultClass: "CIM_ConcreteJob",
            role: "AffectedElement", resultRole: "AffectingElement", userName: nil)
        #expect(fromVM.map { lab.objects.path(of: $0, in: JobTestLab.namespace) } == [job])

        let links = try await lab.objects.references(
            of: vm, resultClass: "Msvm_AffectedJobElement", role: "AffectedElement", userName: nil)
        #expect(links.count == 1)
        #expect(links.first?["ElementEffects"] == .array([.uint16(2)], elementType: .uint16))
        #expect(links.first?["AffectingElement"]?.referenceValue?.refersToSameInstance(as: job) == true)

        // The same through WQL, as pywinrm and wsl send it.
        let jobID = job[key: "InstanceID"]?.stringValue ?? ""
        let vmName = vm[key: "Name"]?.stringValue ?? ""
        let viaWQL = try await lab.objects.execQuery(
            "ASSOCIATORS OF {Msvm_ConcreteJob.InstanceID=\"\(jobID)\"} WHERE AssocClass = Msvm_AffectedJobElement",
            in: JobTestLab.namespace, userName: nil)
        #expect(viaWQL.map { $0["ElementName"] } == [.string("VM1")])
        let jobsOfVM = try await lab.objects.execQuery(
            "ASSOCIATORS OF {Msvm_ComputerSystem.CreationClassName=\"Msvm_ComputerSystem\",Name=\"\(vmName)\"} "
                + "WHERE ResultClass = Msvm_ConcreteJob",
            in: JobTestLab.namespace, userName: nil)
        #expect(jobsOfVM.map { $0["InstanceID"] } == [.string(jobID)])
        let running = try await lab.objects.execQuery(
            "SELECT * FROM Msvm_ConcreteJob WHERE JobState = 4", in: JobTestLab.namespace, userName: nil)
        #expect(running.map { $0["InstanceID"] } == [.string(jobID)])

        let wrongRole = try await lab.objects.associators(
            of: vm, associationClass: "Msvm_AffectedJobElement", resultClass: nil, role: "AffectingElement",
            resultRole: nil, userName: nil)
        #expect(wrongRole.isEmpty)
        stepper.release()
        _ = await lab.queue.wait(for: job)
    }
}
