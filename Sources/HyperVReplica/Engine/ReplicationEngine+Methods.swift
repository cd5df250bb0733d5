import CIM
import Foundation
import Providers

/// The WMI methods of `Msvm_ReplicationService` and `Msvm_ComputerSystem` that act on a VM's replication.
/// Each checks the state machine first (a refusal is the method's return value, as on Windows), then starts
/// a job that performs the transition's actions and returns 4096 with the job.
extension ReplicationEngine {
    static let namespace = VirtualMachineInventory.namespace

    // MARK: Enabling and initial replication

    public func createReplicationRelationship(_ vmPath: CIMObjectPath?, settings: CIMInstance?) throws
        -> MethodResult
    {
        guard let record = self.record(at: vmPath) else { return Self.result(.invalidParameter) }
        guard let settings else { return Self.result(.invalidParameter) }
        let parsed: ReplicationSettings
        let transition: ReplicationTransition
        do {
            transition = try record.machine.handling(.createReplicationRelationship)
            parsed = try ReplicationSettings(settings)
        } catch {
            return Self.result(error.returnCode)
        }
        let side = transition.relationship
        let vmName = record.vmName
        let job = try startJob(.createReplicationRelationship, vmName) { progress in
            try await self.enable(vmName, side: side, settings: parsed)
            progress.report(percent: 100)
        }
        return Self.started(job)
    }

    /// Asks the recovery host to create the replica, then records the relationship as enabled.
    func enable(_ vmName: String, side: ReplicationRelationshipSide, settings: ReplicationSettings) async throws {
        guard var record = record(vmName) ?? inventory.computerSystem(vmName).flatMap({ recordOrNew(for: $0) })
        else { throw JobFailure(errorCode: 32768, errorDescription: "The virtual machine \(vmName) is gone.") }
        if record.disks.isEmpty { record.disks = inventory.diskDeviceIDs(of: vmName) }
        var geometries: [DiskGeometry] = []
        for deviceID in record.disks {
            guard let disk = inventory.labDisk(deviceID), let size = disk["SizeBytes"]?.uint64Value else {
                throw JobFailure(errorCode: 32779, errorDescription: "The virtual hard disk \(deviceID) was not found.")
            }
            let blockSize = disk["BlockSize"]?.int64Value.map(Int.init) ?? 65536
            geometries.append(DiskGeometry(fileName: Self.fileName(of: deviceID), size: size, blockSize: blockSize))
        }
        let request = PeerMessage.CreateReplica(
            vmName: vmName, elementName: record.elementName, primaryHost: hostName,
            replicationMode: (side == .primary ? ReplicationMode.recovery : .extendedReplica).rawValue,
            disks: geometries, settings: settings)
        let reply: PeerMessage.CreateReplicaReply
        do {
            reply = try await call(.createReplica, to: settings.recoveryConnectionPoint, request, settings: settings,
                                   as: PeerMessage.CreateReplicaReply.self)
        } catch {
            throw Self.jobFailure(error, doing: "Could not enable replication to \(settings.recoveryConnectionPoint)")
        }
        records[vmName.lowercased()] = record
        let now = clock.now()
        do {
            try commit(.createReplicationRelationship, to: vmName) { record, _ in
                record[link: side] = ReplicationLink(
                    peerHost: settings.recoveryConnectionPoint, primaryHost: self.hostName,
                    recoveryHost: reply.recoveryHost, settings: settings, now: now)
            }
        } catch {
            throw Self.jobFailure(error, doing: "Enabling replication")
        }
    }

    public func modifyReplicationSettings(_ vmPath: CIMObjectPath?, settings: CIMInstance?) throws -> MethodResult {
        guard let record = self.record(at: vmPath), let settings else {
            return Self.result(.invalidParameter)
        }
        do {
            let transition = try record.machine.handling(.modifyReplicationSettings)
            let parsed = try ReplicationSettings(settings, base: record[link: transition.relationship]?.settings)
            try commit(.modifyReplicationSettings, to: record.vmName) { record, transition in
                record[link: transition.relationship]?.settings = parsed
            }
            return Self.result(.completed)
        } catch {
            return Self.result(error.returnCode)
        }
    }

    public func startReplication(
        _ vmPath: CIMObjectPath?, type: UInt16?, exportLocation: String?, startTime: Date?
    ) throws -> MethodResult {
        guard let record = self.record(at: vmPath), let type else {
            return Self.result(.invalidParameter)
        }
        let event = ReplicationEvent.startReplication(
            initialReplicationType: type, exportLocation: exportLocation, startTime: startTime)
        return try run(event, on: record)
    }

    public func importInitialReplica(_ vmPath: CIMObjectPath?, location: String?) throws -> MethodResult {
        guard let record = self.record(at: vmPath) else { return Self.result(.invalidParameter) }
        return try run(.importInitialReplica(location: location ?? ""), on: record)
    }

    public func resynchronize(_ vmPath: CIMObjectPath?, startTime: Date?) throws -> MethodResult {
        guard let record = self.record(at: vmPath) else { return Self.result(.invalidParameter) }
        return try run(.resynchronize(startTime: startTime), on: record)
    }

    public func requestReplicationStateChange(
        _ vmPath: CIMObjectPath?, requestedState: UInt16?, relationship: CIMInstance?
    ) throws -> MethodResult {
        guard let record = self.record(at: vmPath),
            let requestedState
        else { return Self.result(.invalidParameter) }
        guard let side = Self.side(of: relationship, vmName: record.vmName) else {
            return Self.result(.invalidParameter)
        }
        return try run(.requestReplicationStateChange(requestedState, relationship: side), on: record)
    }

    // MARK: Failover

    public func initiateFailover(_ vmPath: CIMObjectPath?, snapshot: CIMObjectPath?) throws -> MethodResult {
        guard let record = self.record(at: vmPath) else { return Self.result(.invalidParameter) }
        guard let point = Self.recoveryPoint(snapshot, in: record) else { return Self.result(.invalidParameter) }
        return try run(.initiateFailover(point.kind), on: record, point: point)
    }

    public func revertFailover(_ vmPath: CIMObjectPath?) throws -> MethodResult {
        guard let record = self.record(at: vmPath) else { return Self.result(.invalidParameter) }
        return try run(.revertFailover, on: record)
    }

    public func commitFailover(_ vmPath: CIMObjectPath?) throws -> MethodResult {
        guard let record = self.record(at: vmPath) else { return Self.result(.invalidParameter) }
        return try run(.commitFailover, on: record)
    }

    public func reverseReplicationRelationship(_ vmPath: CIMObjectPath?, settings: CIMInstance?) throws
        -> MethodResult
    {
        guard let record = self.record(at: vmPath) else { return Self.result(.invalidParameter) }
        let parsed: ReplicationSettings
        do {
            _ = try record.machine.handling(.reverseReplicationRelationship)
            // The old primary is the new recovery host unless the client names another one.
            let base = record[link: .primary].map { link -> ReplicationSettings in
                var settings = link.settings
                settings.recoveryConnectionPoint = link.primaryHost
                return settings
            }
            parsed = try ReplicationSettings(settings ?? CIMInstance(className: "Msvm_ReplicationSettingData"),
                                             base: base)
        } catch {
            return Self.result(error.returnCode)
        }
        let vmName = record.vmName
        let job = try startJob(.reverseReplication, vmName) { progress in
            try await self.reverse(vmName, settings: parsed)
            progress.report(percent: 100)
        }
        return Self.started(job)
    }

    public func testReplicaSystem(_ vmPath: CIMObjectPath?, snapshot: CIMObjectPath?) throws -> MethodResult {
        guard let record = self.record(at: vmPath),
            let point = Self.recoveryPoint(snapshot, in: record)
        else { return Self.result(.invalidParameter) }
        do {
            try commit(.testReplicaSystem(point.kind), to: record.vmName)
        } catch {
            return Self.result(error.returnCode)
        }
        let testName = UUID().uuidString
        let vmName = record.vmName
        hold(point)
        let job: CIMObjectPath
        do {
            job = try startJob(.initiateTestReplica, vmName) { progress in
                do {
                    try await self.createTestSystem(of: vmName, named: testName, from: point, progress: progress)
                } catch {
                    await self.release(point)
                    throw error
                }
                await self.release(point)
            }
        } catch {
            _ = endHold(point)  // nothing can have pruned it yet: no suspension since hold(_:)
            throw error
        }
        return MethodResult(returnValue: .uint32(MsvmReturnCode.jobStarted.rawValue), outParameters: [
            ("ResultingSystem", .reference(VirtualMachineInventory.computerSystemPath(testName))),
            ("Job", .reference(job)),
        ])
    }

    public func changeReplicationModeToPrimary(_ vmPath: CIMObjectPath?) throws -> MethodResult {
        guard let record = self.record(at: vmPath) else { return Self.result(.invalidParameter) }
        return try run(.changeReplicationModeToPrimary, on: record)
    }

    public func initiateFailback(_ vmPath: CIMObjectPath?) throws -> MethodResult {
        guard let record = self.record(at: vmPath) else { return Self.result(.invalidParameter) }
        return try run(.initiateFailback(nil), on: record)
    }

    // MARK: Removal and statistics

    public func removeReplicationRelationship(_ vmPath: CIMObjectPath?, relationship: CIMInstance?) throws
        -> MethodResult
    {
        guard let record = self.record(at: vmPath),
            let side = Self.side(of: relationship, vmName: record.vmName)
        else { return Self.result(.invalidParameter) }
        return try run(.removeReplicationRelationship(side), on: record)
    }

    public func resetReplicationStatistics(_ vmPath: CIMObjectPath?, relationship: CIMInstance?) throws
        -> MethodResult
    {
        guard let record = self.record(at: vmPath),
            let side = Self.side(of: relationship, vmName: record.vmName)
        else { return Self.result(.invalidParameter) }
        do {
            let now = clock.now()
            try commit(.resetReplicationStatistics(side), to: record.vmName) { record, _ in
                record[link: side]?.statistics = ReplicationStatisticsWindow(start: now)
                record[link: side]?.consecutiveMisses = 0
            }
            return Self.result(.completed)
        } catch {
            return Self.result(error.returnCode)
        }
    }

    /// `GetReplicationStatistics(Ex)`: answered at once (0, no job) with one `Msvm_ReplicationStatistics` and an
    /// `Msvm_Error` per health issue.
    public func replicationStatistics(_ vmPath: CIMObjectPath?, relationship: CIMInstance?) -> MethodResult {
        guard let vm = inventory.virtualMachine(at: vmPath), let name = vm["Name"]?.stringValue,
            let side = Self.side(of: relationship, vmName: name)
        else { return Self.result(.invalidParameter) }
        guard let record = record(name), let status = record.machine.relationship(side), status.state != .disabled,
            let link = record[link: side]
        else { return Self.result(.invalidState) }
        let now = clock.now()
        let health = inventory.health(record, side, now: now)
        var statistics = CIMInstance(className: "Msvm_ReplicationStatistics")
        let window = link.statistics
        for (key, value) in [
            ("StartStatisticTime", CIMValue.datetime(CIMDateTime(date: window.start))),
            ("EndStatisticTime", .datetime(CIMDateTime(date: now))),
            ("ReplicationSuccessCount", .uint32(status.counters.successCount)),
            ("ReplicationSize", .uint64(window.size)), ("MaxReplicationSize", .uint64(window.maxSize)),
            ("ReplicationLatency", .uint32(window.latency)), ("MaxReplicationLatency", .uint32(window.maxLatency)),
            ("ReplicationMissCount", .uint32(status.counters.missCount)),
            ("NetworkFailureCount", .uint32(window.networkFailureCount)),
            ("ReplicationFailureCount", .uint32(status.counters.failureCount)),
            ("PendingReplicationSize", .uint64(window.pendingSize)),
            ("ApplicationConsistentSnapshotFailureCount", .uint32(0)),
            ("ReplicationHealth", .uint32(UInt32(health.rawValue))),
        ] {
            statistics[key] = value
        }
        statistics["LastTestFailoverTime"] = window.lastTestFailoverTime.map { .datetime(CIMDateTime(date: $0)) }
        var issues: [CIMValue] = []
        if health == .warning || health == .critical {
            var error = CIMInstance(className: "Msvm_Error")
            let message = status.counters.missCount > 0
                ? "Replication for virtual machine '\(record.elementName)' missed \(status.counters.missCount) "
                    + "replication cycles; \(window.networkFailureCount) network failures."
                : "Replication for virtual machine '\(record.elementName)' is in state \(status.state.name)."
            for (key, value) in [
                ("ErrorType", CIMValue.uint16(4)), ("Message", .string(message)),
                ("MessageID", .string(health == .critical ? "32546" : "32544")),
                ("OwningEntity", .string("Microsoft-Windows-Hyper-V-VMMS")),
                ("PerceivedSeverity", .uint16(health == .critical ? 6 : 3)), ("ProbableCause", .uint16(0)),
                ("ErrorSource", .string(record.vmName)), ("ErrorSourceFormat", .uint16(0)),
            ] {
                error[key] = value
            }
            issues.append(.instance(error))
        }
        return MethodResult(returnValue: .uint32(0), outParameters: [
            ("ReplicationStatistics", .array([.instance(statistics)], elementType: .string)),
            ("ReplicationHealthIssues", .array(issues, elementType: .string)),
            ("Job", nil),
        ])
    }

    /// `TestReplicationConnection`: a job that asks the recovery host whether it would accept this host.
    public func testReplicationConnection(point: String?, authenticationType: UInt16?, thumbprint: String?) throws
        -> MethodResult
    {
        guard let point, !point.isEmpty else { return Self.result(.invalidParameter) }
        let settings = ReplicationSettingsProbe.settings(point: point, authenticationType: authenticationType ?? 1,
                                                         thumbprint: thumbprint)
        let job = try startJob(.testReplicationConnection, nil) { progress in
            do {
                _ = try await self.call(.testConnection, to: point, settings, settings: settings,
                                        as: PeerMessage.Empty.self)
            } catch {
                throw Self.jobFailure(error, doing: "The connection to \(point) failed")
            }
            progress.report(percent: 100)
        }
        return Self.started(job)
    }

    // MARK: Running events

    /// Commits `event` (its refusal is the return value) and runs the transition's actions in a job of the
    /// transition's JobType; an event without a job answers 0.
    func run(_ event: ReplicationEvent, on record: ReplicationRecord, point: RecoveryPointRecord? = nil) throws
        -> MethodResult
    {
        if self.record(record.vmName) == nil { records[record.vmName.lowercased()] = record }
        let transition: ReplicationTransition
        do {
            transition = try commit(event, to: record.vmName)
        } catch {
            if self.record(record.vmName)?.machine.mode == ReplicationMode.none, record.machine.mode == .none {
                records[record.vmName.lowercased()] = nil
            }
            return Self.result(error.returnCode)
        }
        guard let jobType = transition.jobType else { return Self.result(.completed) }
        let vmName = record.vmName
        let side = transition.relationship
        let actions = transition.actions
        let job = try startJob(jobType, vmName) { progress in
            try await self.perform(actions, on: vmName, side: side, point: point, progress: progress)
            progress.report(percent: 100)
        }
        return Self.started(job)
    }

    func startJob(
        _ type: JobType, _ vmName: String?, work: @escaping @Sendable (JobProgress) async throws -> Void
    ) throws -> CIMObjectPath {
        let affected = vmName.map { [VirtualMachineInventory.computerSystemPath($0)] } ?? []
        return try jobs.start(
            JobDescription(namespace: Self.namespace, className: "Msvm_ConcreteJob", jobType: type.rawValue,
                           caption: type.name, affectedElements: affected),
            work: work)
    }

    // MARK: Parameters

    /// The record of the VM a `ComputerSystem` REF names (new when it never replicated); nil when the REF names
    /// no VM of this host.
    func record(at vmPath: CIMObjectPath?) -> ReplicationRecord? {
        inventory.virtualMachine(at: vmPath).flatMap { recordOrNew(for: $0) }
    }

    /// The relationship an embedded `Msvm_ReplicationRelationship` names (`…\HVR\0` or `…\HVR\1`); Null is the
    /// primary one.
    static func side(of relationship: CIMInstance?, vmName: String) -> ReplicationRelationshipSide? {
        guard let relationship else { return .primary }
        guard let id = relationship["InstanceID"]?.stringValue else { return .primary }
        return ReplicationRelationshipSide.allCases.first {
            id.caseInsensitiveCompare(VirtualMachineInventory.relationshipID(vmName, $0)) == .orderedSame
        }
    }

    /// The recovery point a `SnapshotSettingData` REF names, or the latest one for Null; a standard point
    /// standing for "now" when the VM has none (the state machine then refuses what needs one).
    static func recoveryPoint(_ snapshot: CIMObjectPath?, in record: ReplicationRecord) -> RecoveryPointRecord? {
        if let id = snapshot?[key: "InstanceID"]?.stringValue {
            return record.recoveryPoints.first { $0.instanceID.caseInsensitiveCompare(id) == .orderedSame }
        }
        return record.recoveryPoints.last
            ?? RecoveryPointRecord(instanceID: "", kind: .standard, creationTime: Date(), points: [])
    }

    static func result(_ code: MsvmReturnCode) -> MethodResult {
        MethodResult(returnValue: .uint32(code.rawValue), outParameters: [("Job", nil)])
    }

    static func started(_ job: CIMObjectPath) -> MethodResult {
        MethodResult(
            returnValue: .uint32(MsvmReturnCode.jobStarted.rawValue), outParameters: [("Job", .reference(job))])
    }
}

/// The settings `TestReplicationConnection` probes with.
enum ReplicationSettingsProbe {
    static func settings(point: String, authenticationType: UInt16, thumbprint: String?) -> ReplicationSettings? {
        var probe = CIMInstance(className: "Msvm_ReplicationSettingData")
        probe["RecoveryConnectionPoint"] = .string(point)
        probe["AuthenticationType"] = .uint16(authenticationType)
        probe["CertificateThumbPrint"] = thumbprint.map { .string($0) }
        return try? ReplicationSettings(probe)
    }
}

extension Error {
    /// The WMI return code of a refusal (32775, 32773, 32770), 32768 for anything else.
    var returnCode: MsvmReturnCode {
        (self as? ReplicationRefusal)?.returnCode ?? .failed
    }
}
