import BlockStore
import CIM
import Foundation
import LabControl
import Logging
import PeerTransport
import Providers

/// Hyper-V Replica on one lab host: runs the state machine of every VM, performs its actions (jobs that move
/// disk blocks to and from peer hosts, recovery points, failover), and answers what peers ask.
///
/// The records live in the actor and in the database; every change is persisted, then projected onto the WMI
/// instances, before anyone is told it happened. Data moves outside the actor (`nonisolated` work) so that a
/// long initial replication never blocks a status call.
public actor ReplicationEngine {
    let hostName: String
    let inventory: VirtualMachineInventory
    let recordStore: ReplicationRecordStore
    let disks: LabDiskCatalog
    let jobs: JobQueue
    let peers: PeerClient
    let clock: any LabClock
    let logger: Logger
    let diskContext: ProviderContext
    let diskFaults: LabDiskWriteFaults?

    var records: [String: ReplicationRecord] = [:]
    /// The delta-cycle loop of each sending relationship, by `cycleKey`.
    var cycles: [String: Task<Void, Never>] = [:]
    /// Running initial replications and resynchronizations, so that a state change can stop them.
    var transfers: [String: Task<Void, any Error>] = [:]
    /// Recovery points a running job reads, by `RecoveryPointRecord.instanceID`, with how many jobs hold each.
    var heldPoints: [String: Int] = [:]
    /// Held points pruned meanwhile: their disks' device IDs, for deleting them on release.
    var prunedWhileHeld: [String: [String]] = [:]

    /// Creates the engine of host `hostName` over its store and database, loading every persisted record.
    public init(
        hostName: String, store: InstanceStore, database: LabDatabase, schema: SchemaRepository,
        disks: LabDiskCatalog, diskFaults: LabDiskWriteFaults? = nil, jobs: JobQueue, peers: PeerClient,
        clock: any LabClock, logger: Logger
    ) throws {
        self.diskFaults = diskFaults
        self.hostName = hostName
        inventory = VirtualMachineInventory(store: store, hostName: hostName)
        recordStore = ReplicationRecordStore(database: database)
        self.disks = disks
        self.jobs = jobs
        self.peers = peers
        self.clock = clock
        self.logger = logger
        diskContext = ProviderContext(namespace: VirtualMachineInventory.labNamespace, schema: schema, logger: logger)
        for record in try recordStore.loadAll() {
            records[record.vmName.lowercased()] = record
        }
    }

    /// Brings the WMI view in line with the records and resumes replication after a (re)start: delta cycles
    /// restart; an initial replication or resynchronization the process died in (or a scheduled start it
    /// waited for) is stopped the way a cancelled job stops it, so the VM can be started again.
    public func start() {
        for key in Array(records.keys) {
            guard var record = records[key] else { continue }
            for side in ReplicationRelationshipSide.allCases {
                guard let status = record.machine.relationship(side), record[link: side] != nil,
                    record.machine.role(of: side) == .sending
                else { continue }
                if status.state == .waitingToCompleteInitialReplication, record[link: side]?.exportedPoints == nil {
                    _ = try? record.machine.handle(.jobCancelled(.startInbandInitialReplication, side))
                } else if status.state == .resynchronizing {
                    _ = try? record.machine.handle(.jobCancelled(.resynchronizing, side))
                } else if status.scheduled != nil {
                    // The job that waited for StartTime died with the process: the start is dropped, as when
                    // it is cancelled, so StartReplication / Resynchronize can be called again.
                    let job: JobType = status.state == .readyForReplication ? .startInbandInitialReplication
                        : .resynchronizing
                    _ = try? record.machine.handle(.jobCancelled(job, side))
                }
            }
            records[key] = record
            do {
                try persist(record)
            } catch {
                logger.error(
                    "cannot restore replication record", metadata: ["vm": "\(record.vmName)", "error": "\(error)"])
            }
            startCycles(for: record)
        }
    }

    // MARK: Records

    func record(_ vmName: String) -> ReplicationRecord? { records[vmName.lowercased()] }

    /// The record of a VM of this host, made (not yet persisted) when the VM never replicated.
    func recordOrNew(for vm: CIMInstance) -> ReplicationRecord? {
        guard let name = vm["Name"]?.stringValue else { return nil }
        if var existing = record(name) {
            existing.machine.enabledState = inventory.enabledState(of: name)
            return existing
        }
        return ReplicationRecord(
            vmName: name, elementName: vm["ElementName"]?.stringValue ?? name,
            disks: inventory.diskDeviceIDs(of: name), enabledState: inventory.enabledState(of: name))
    }

    func persist(_ record: ReplicationRecord) throws {
        records[record.vmName.lowercased()] = record
        try recordStore.save(record)
        try inventory.project(record, now: clock.now())
    }

    /// Applies an event to a VM's state machine and persists the result, with `change` run on the record after
    /// the transition (links, points, times). Throws the refusal when the state machine refuses.
    @discardableResult
    func commit(
        _ event: ReplicationEvent, to vmName: String,
        change: (inout ReplicationRecord, ReplicationTransition) throws -> Void = { _, _ in }
    ) throws -> ReplicationTransition {
        guard var record = record(vmName) else {
            throw ReplicationRefusal.invalidState("The virtual machine \(vmName) does not replicate.")
        }
        record.machine.enabledState = inventory.enabledState(of: vmName)
        let transition = try record.machine.handle(event)
        try change(&record, transition)
        try persist(record)
        startCycles(for: record)
        return transition
    }

    /// Changes a record without an event (statistics, times), persisting it.
    func update(_ vmName: String, _ change: (inout ReplicationRecord) throws -> Void) throws {
        guard var record = record(vmName) else { return }
        try change(&record)
        try persist(record)
    }

    // MARK: Disks

    func openDisks(_ deviceIDs: [String]) async throws -> [VirtualDisk] {
        var opened: [VirtualDisk] = []
        for deviceID in deviceIDs {
            opened.append(try await disks.disk(deviceID: deviceID, context: diskContext))
        }
        return opened
    }

    nonisolated static func fileName(of deviceID: String) -> String {
        String(deviceID.split(whereSeparator: { $0 == "\\" || $0 == "/" }).last ?? Substring(deviceID))
    }

    // MARK: Peers

    /// Sends one operation to `host` with JSON parameters and an optional streamed body; decodes the reply.
    nonisolated func call<Reply: Decodable>(
        _ operation: PeerOperation, to host: String, _ parameters: some Encodable, settings: ReplicationSettings?,
        body: ReplicationUpload? = nil, as reply: Reply.Type
    ) async throws -> Reply {
        let encoded = try JSONEncoder().encode(parameters)
        let authentication: PeerAuthentication = settings?.authenticationType == 2 ? .certificate : .sharedSecret
        let answer = try await peers.send(
            to: host, operation: operation.rawValue, parameters: [UInt8](encoded), body: body,
            authentication: authentication)
        do {
            return try JSONDecoder().decode(Reply.self, from: Data(answer))
        } catch {
            throw PeerError.protocolError("\(host) answered \(operation.rawValue) with an unreadable reply: \(error)")
        }
    }

    /// The job failure a peer error becomes: the peer's own WMI code when it refused, 32777 (System is not
    /// available) when it could not be reached.
    nonisolated static func jobFailure(_ error: any Error, doing what: String) -> any Error {
        switch error {
        case let failure as JobFailure:
            return failure
        case let refusal as ReplicationRefusal:
            return JobFailure(
                errorCode: UInt16(clamping: refusal.returnCode.rawValue), errorDescription: refusal.reason)
        case let peer as PeerError:
            if let code = peer.code {
                return JobFailure(errorCode: UInt16(clamping: code), errorDescription: "\(what): \(peer.message)")
            }
            return JobFailure(
                errorCode: UInt16(MsvmReturnCode.systemNotAvailable.rawValue),
                errorDescription: "\(what): \(peer.description)")
        case is CancellationError:
            return error
        default:
            return JobFailure(
                errorCode: UInt16(MsvmReturnCode.failed.rawValue), errorDescription: "\(what): \(error)")
        }
    }
}
