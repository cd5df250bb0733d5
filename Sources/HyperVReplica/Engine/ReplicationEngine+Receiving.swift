import BlockStore
import CIM
import Foundation
import PeerTransport
import Providers

/// The recovery side: what a primary (or a replica that extends) asks of this host.
extension ReplicationEngine: PeerRequestHandler {
    static let defaultReplicaStorageLocation = "C:\\ProgramData\\wmilab\\Replica"
    /// Lab seconds between the additional recovery points a replica keeps.
    static let recoveryPointSpacing: Double = 3600

    public nonisolated func handle(
        operation: String, parameters: [UInt8], body: PeerBody, from peer: PeerIdentity
    ) async throws -> [UInt8] {
        // The server runs each connection on its event loop; applying a stream is disk and CPU work that must not
        // hold that loop's other connections, so it runs on the global executor.
        if #available(macOS 15.0, *) {
            return try await withTaskExecutorPreference(globalConcurrentExecutor) {
                try await serve(operation: operation, parameters: parameters, body: body, from: peer)
            }
        }
        return try await serve(operation: operation, parameters: parameters, body: body, from: peer)
    }

    private nonisolated func serve(
        operation: String, parameters: [UInt8], body: PeerBody, from peer: PeerIdentity
    ) async throws -> [UInt8] {
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            do {
                return try JSONDecoder().decode(type, from: Data(parameters))
            } catch {
                throw PeerError.protocolError("\(operation) parameters are unreadable: \(error)")
            }
        }
        let reply: any Encodable
        do {
        switch PeerOperation(rawValue: operation) {
        case .createReplica: reply = try await createReplica(try decode(PeerMessage.CreateReplica.self), from: peer)
        case .applyStream: reply = try await applyStream(try decode(PeerMessage.ApplyStream.self), body, from: peer)
        case .checksumMap: reply = try await checksumMap(try decode(PeerMessage.ChecksumMapRequest.self), from: peer)
        case .notify: reply = try await notified(try decode(PeerMessage.Notify.self), from: peer)
        case .testConnection:
            // The probe's settings (absent when it had none) name the certificate the relationship would expect.
            let probe = try? JSONDecoder().decode(ReplicationSettings.self, from: Data(parameters))
            _ = try authorizedStorageLocation(for: peer, thumbprint: probe.flatMap(Self.expectedThumbprint))
            reply = PeerMessage.Empty()
        case nil: throw PeerError.refused(code: MsvmReturnCode.notSupported.rawValue, "Unknown operation \(operation)")
        }
        } catch let refusal as ReplicationRefusal {
            throw PeerError.refused(code: refusal.returnCode.rawValue, refusal.reason)
        }
        return [UInt8](try JSONEncoder().encode(reply))
    }

    /// Whether this host accepts replicas from `peer`: Replica server enabled, the authentication it used allowed,
    /// and an authorization entry that names it (or `*`). Returns the entry's storage location.
    nonisolated func authorizedStorageLocation(for peer: PeerIdentity, thumbprint: String?) throws -> String {
        guard let settings = inventory.serviceSettings, settings["RecoveryServerEnabled"]?.boolValue == true else {
            throw PeerError.refused(
                code: MsvmReturnCode.failed.rawValue,
                "The server \(hostName) is not enabled as a Replica server (RecoveryServerEnabled is false).")
        }
        let allowed = settings["AllowedAuthenticationType"]?.int64Value ?? 0
        let usedCertificate = peer.authentication == .certificate
        guard allowed == 3 || (allowed == 1 && !usedCertificate) || (allowed == 2 && usedCertificate) else {
            throw PeerError.refused(
                code: MsvmReturnCode.accessDenied.rawValue,
                "The Replica server \(hostName) does not accept \(usedCertificate ? "certificate" : "Kerberos") "
                    + "authentication (AllowedAuthenticationType \(allowed)).")
        }
        if usedCertificate, let thumbprint,
            peer.certificateThumbprint?.caseInsensitiveCompare(thumbprint) != .orderedSame
        {
            throw PeerError.refused(
                code: MsvmReturnCode.accessDenied.rawValue,
                "The certificate presented by \(peer.hostName) does not have the thumbprint \(thumbprint).")
        }
        for entry in inventory.authorizationEntries {
            guard let pattern = entry["AllowedPrimaryHostSystem"]?.stringValue,
                Self.host(peer.hostName, matches: pattern)
            else { continue }
            let location = entry["ReplicaStorageLocation"]?.stringValue ?? ""
            return location.isEmpty ? Self.defaultReplicaStorageLocation : location
        }
        throw PeerError.refused(
            code: MsvmReturnCode.accessDenied.rawValue,
            "The primary server \(peer.hostName) is not authorized to replicate to \(hostName).")
    }

    /// The thumbprint a relationship with these settings expects its sender's certificate to have.
    nonisolated static func expectedThumbprint(_ settings: ReplicationSettings) -> String? {
        settings.authenticationType == 2 ? settings.certificateThumbPrint : nil
    }

    /// Checks, before anything of a stream is applied, that this host still admits the sender (A.1: removing
    /// the authorization entry "stops replication of every VM authorised by that entry").
    nonisolated func requireStillAuthorized(_ record: ReplicationRecord, from peer: PeerIdentity) throws {
        _ = try authorizedStorageLocation(
            for: peer, thumbprint: record[link: .primary].flatMap { Self.expectedThumbprint($0.settings) })
    }

    /// `*`, `*.suffix`, or a name of the same host as the transport compares them (FQDN or its first label).
    nonisolated static func host(_ host: String, matches pattern: String) -> Bool {
        if pattern == "*" { return true }
        if pattern.hasPrefix("*.") { return host.lowercased().hasSuffix(pattern.dropFirst().lowercased()) }
        return PeerDirectory.namesMatch(host, pattern)
    }

    /// The record of a VM `peer` replicates with, or a refusal: unknown VM, or a host it does not replicate with.
    func peerRecord(_ vmName: String, from peer: PeerIdentity) throws -> ReplicationRecord {
        guard let record = record(vmName) else {
            throw PeerError.refused(code: MsvmReturnCode.invalidParameter.rawValue,
                                    "\(hostName) holds no replica of virtual machine \(vmName).")
        }
        let known = record.links.compactMap { $0?.peerHost }
        guard known.contains(where: { Self.host(peer.hostName, matches: $0) || Self.host($0, matches: peer.hostName) })
        else {
            throw PeerError.refused(code: MsvmReturnCode.accessDenied.rawValue,
                                    "\(peer.hostName) does not replicate virtual machine \(vmName) with \(hostName).")
        }
        return record
    }

    // MARK: Operations

    func createReplica(_ request: PeerMessage.CreateReplica, from peer: PeerIdentity) async throws
        -> PeerMessage.CreateReplicaReply
    {
        let location = try authorizedStorageLocation(for: peer, thumbprint: request.settings.certificateThumbPrint)
        guard let mode = ReplicationMode(rawValue: request.replicationMode),
            mode == .recovery || mode == .extendedReplica
        else {
            throw PeerError.refused(code: MsvmReturnCode.invalidParameter.rawValue,
                                    "A replica is created in ReplicationMode 2 or 4.")
        }
        let now = clock.now()
        let link = ReplicationLink(peerHost: peer.hostName, primaryHost: request.primaryHost, recoveryHost: hostName,
                                   settings: request.settings, now: now)
        if var existing = record(request.vmName) {
            // A VM prepared as a replica (restored from backup, RequestReplicationStateChange(2)) is adopted;
            // a retry from the same primary is answered again.
            let waiting = existing.machine.mode == mode
                && existing.machine.primary.state == .waitingToCompleteInitialReplication
            guard waiting, existing[link: .primary].map({ Self.host(peer.hostName, matches: $0.peerHost) }) ?? true
            else {
                throw PeerError.refused(code: MsvmReturnCode.systemInUse.rawValue,
                                        "Virtual machine \(request.vmName) already exists on \(hostName).")
            }
            existing[link: .primary] = link
            try persist(existing)
            return .init(recoveryHost: hostName)
        }
        if inventory.computerSystem(request.vmName) != nil {
            throw PeerError.refused(code: MsvmReturnCode.systemInUse.rawValue,
                                    "Virtual machine \(request.vmName) already exists on \(hostName).")
        }
        let deviceIDs = try inventory.createVirtualMachine(
            name: request.vmName, elementName: request.elementName, disks: request.disks,
            storageLocation: location, now: now)
        var record = ReplicationRecord(vmName: request.vmName, elementName: request.elementName, disks: deviceIDs,
                                       enabledState: .disabled)
        try record.machine.handle(.peerCreatedReplica(mode: mode))
        record[link: .primary] = link
        try persist(record)
        logger.info("replica created", metadata: ["vm": "\(request.elementName)", "primary": "\(peer.hostName)"])
        return .init(recoveryHost: hostName)
    }

    /// Not isolated: the body streams in on the caller's task, while the actor serves other calls.
    nonisolated func applyStream(_ request: PeerMessage.ApplyStream, _ body: PeerBody, from peer: PeerIdentity)
        async throws -> PeerMessage.ApplyStreamReply
    {
        let record = try await peerRecord(request.vmName, from: peer)
        try requireStillAuthorized(record, from: peer)
        guard record.machine.role(of: .primary) == .receiving, request.diskIndex >= 0,
            request.diskIndex < record.disks.count, request.diskCount == record.disks.count
        else {
            throw PeerError.refused(code: MsvmReturnCode.invalidParameter.rawValue,
                                    "\(hostName) cannot take disk \(request.diskIndex) of \(record.elementName).")
        }
        let state = record.machine.primary.state
        let accepted: Set<ReplicationState> = switch request.purpose {
        case .initialReplication: [.waitingToCompleteInitialReplication]
        case .delta: [.replicating, .critical]
        case .resynchronization:
            [.replicating, .suspended, .critical, .resynchronizing, .waitingToCompleteInitialReplication]
        }
        guard accepted.contains(state) else {
            throw PeerError.refused(
                code: MsvmReturnCode.invalidState.rawValue,
                "The replica of \(record.elementName) on \(hostName) is in state \(state.rawValue) (\(state.name)).")
        }
        if request.purpose == .resynchronization, request.diskIndex == 0, state != .resynchronizing,
            state != .waitingToCompleteInitialReplication
        {
            try await commit(.peerResynchronizationStarted, to: record.vmName)
        }
        let deviceID = record.disks[request.diskIndex]
        do {
            try diskFaults?.checkWrite(to: deviceID)
        } catch {
            throw PeerError.refused(code: MsvmReturnCode.failed.rawValue, "\(error)")
        }
        let disk = try await disks.disk(deviceID: deviceID, context: diskContext)
        let applier = ReplicationStreamApplier(disk: disk)
        let result: ReplicationStreamApplier.Result
        do {
            try await body.forEachChunk { try applier.feed($0) }
            result = try applier.finish()
        } catch {
            applier.cancel()
            throw PeerError.refused(code: MsvmReturnCode.failed.rawValue,
                                    "Applying the replica of \(record.elementName) failed: \(error)")
        }
        if request.diskIndex == request.diskCount - 1 {
            try await replicaApplied(record.vmName, request)
        }
        return .init(blocksChanged: result.blocksChanged)
    }

    /// Every disk of a cycle arrived: make the recovery point and move the state.
    func replicaApplied(_ vmName: String, _ request: PeerMessage.ApplyStream) async throws {
        guard let record = record(vmName) else { return }
        let targets = try await openDisks(record.disks)
        var points: [UInt64] = []
        for disk in targets {
            let consistent = request.pointKind == .applicationConsistent
            points.append(try disk.createRecoveryPoint(applicationConsistent: consistent).id)
        }
        let now = clock.now()
        let point = RecoveryPointRecord(instanceID: "Microsoft:\(UUID().uuidString)", kind: request.pointKind,
                                        creationTime: now, points: points)
        let history = Int(min(record[link: .primary]?.settings.recoveryHistory ?? 0, 20))
        var dropped: [RecoveryPointRecord] = []
        let event: ReplicationEvent = switch request.purpose {
        case .initialReplication: .initialReplicationCompleted(.primary)
        case .delta: .deltaCompleted(request.pointKind.failedOverReplicationType, .primary)
        case .resynchronization:
            record.machine.primary.state == .waitingToCompleteInitialReplication
                ? .initialReplicationCompleted(.primary) : .resynchronizationCompleted(.primary)
        }
        if request.purpose == .delta, record.machine.primary.state == .critical {
            try commit(.linkRestored(.primary), to: vmName)
        }
        try commit(event, to: vmName) { record, _ in
            // As on Windows, the replica keeps its latest point plus RecoveryHistory earlier ones, an hour apart:
            // the latest standard point is replaced by the next one until it is an hour newer than the point
            // before it (application-consistent points are always kept).
            if let latest = record.recoveryPoints.last, latest.kind == .standard,
                let earlier = record.recoveryPoints.dropLast().last,
                latest.creationTime.timeIntervalSince(earlier.creationTime) < Self.recoveryPointSpacing
            {
                dropped.append(record.recoveryPoints.removeLast())
            }
            record.recoveryPoints.append(point)
            while record.recoveryPoints.count > history + 1 { dropped.append(record.recoveryPoints.removeFirst()) }
            record[link: .primary]?.lastReplicationTime = now
            record[link: .primary]?.lastApplyTime = now
            if request.pointKind == .applicationConsistent {
                record[link: .primary]?.lastApplicationConsistentTime = now
            }
        }
        deletePruned(dropped, on: targets, deviceIDs: record.disks)
    }

    func checksumMap(_ request: PeerMessage.ChecksumMapRequest, from peer: PeerIdentity) async throws
        -> PeerMessage.ChecksumMapReply
    {
        let record = try peerRecord(request.vmName, from: peer)
        try requireStillAuthorized(record, from: peer)
        guard request.diskIndex >= 0, request.diskIndex < record.disks.count else {
            throw PeerError.refused(code: MsvmReturnCode.invalidParameter.rawValue, "No disk \(request.diskIndex).")
        }
        let disk = try await disks.disk(deviceID: record.disks[request.diskIndex], context: diskContext)
        return .init(map: Data(try disk.checksumMap().serialized()).base64EncodedString())
    }

    func notified(_ notice: PeerMessage.Notify, from peer: PeerIdentity) async throws -> PeerMessage.Empty {
        let record = try peerRecord(notice.vmName, from: peer)
        do {
            switch notice.event {
            case .initialReplicaImported:
                guard let side = record.machine.sendingSide, let points = record[link: side]?.exportedPoints else {
                    throw ReplicationRefusal.invalidState("No exported initial replica waits for an import.")
                }
                try commitShipped(record.vmName, side, points: points, bytes: 0, initial: true)
            case .reversedPlanned, .reversedUnplanned:
                let planned = notice.event == .reversedPlanned
                let now = clock.now()
                try commit(.peerReversed(planned: planned), to: record.vmName) { record, _ in
                    guard var link = record[link: .primary] else { return }
                    link.peerHost = peer.hostName
                    link.primaryHost = peer.hostName
                    link.recoveryHost = self.hostName
                    link.basePoints = []
                    link.exportedPoints = nil
                    link.lastApplyTime = now
                    record[link: .primary] = link
                    record.recoveryPoints = []
                }
                try inventory.setEnabledState(.disabled, of: record.vmName, now: now)
            }
        } catch let refusal as ReplicationRefusal {
            throw PeerError.refused(code: refusal.returnCode.rawValue, refusal.reason)
        }
        return .init()
    }
}
