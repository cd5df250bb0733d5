import Foundation

/// Everything the engine keeps about one virtual machine's replication on this host, persisted as one JSON
/// document (`ReplicationRecordStore`). The WMI instances (`Msvm_ComputerSystem` replication properties,
/// `Msvm_ReplicationRelationship`, `Msvm_ReplicationSettingData`) are projections of it, rewritten after every
/// change, so after a `kill -9` the record is the truth and the projection is redone at start.
struct ReplicationRecord: Codable, Sendable {
    /// `Msvm_ComputerSystem.Name`, the VM's GUID, identical on every host that holds a copy.
    var vmName: String
    var elementName: String
    var machine: ReplicationStateMachine
    /// `WMILab_VirtualDisk.DeviceID` of the VM's disks on this host, in the order of its settings; peers name a
    /// disk by its index in this list.
    var disks: [String]
    /// The engine side of `\HVR\0` and `\HVR\1`.
    var links: [ReplicationLink?] = [nil, nil]
    /// Recovery points of a replica VM, oldest first.
    var recoveryPoints: [RecoveryPointRecord] = []
    /// The recovery point a failed-over replica runs from.
    var failoverPoint: RecoveryPointRecord?
    /// `Name` of the test VM `TestReplicaSystem` made, while it exists.
    var testSystemName: String?

    init(vmName: String, elementName: String, disks: [String], enabledState: EnabledState) {
        self.vmName = vmName
        self.elementName = elementName
        self.disks = disks
        machine = ReplicationStateMachine(enabledState: enabledState)
    }

    subscript(link side: ReplicationRelationshipSide) -> ReplicationLink? {
        get { links[Int(side.rawValue)] }
        set { links[Int(side.rawValue)] = newValue }
    }
}

/// One relationship as the engine runs it.
struct ReplicationLink: Codable, Sendable {
    /// The host at the other end: the recovery host for a sending relationship, the primary for a receiving one.
    var peerHost: String
    var primaryHost: String
    var recoveryHost: String
    var settings: ReplicationSettings
    /// Sending side: per disk, the block-store recovery point whose content the peer holds; deltas start there.
    var basePoints: [UInt64] = []
    /// Export: the points written to the export directory, adopted as `basePoints` once the replica imported them.
    var exportedPoints: [UInt64]?
    /// Certificate authentication: the thumbprint the peer must present.
    var peerThumbprint: String?
    var lastReplicationTime: Date?
    var lastApplyTime: Date?
    var lastApplicationConsistentTime: Date?
    /// Delta cycles in a row that could not reach the peer.
    var consecutiveMisses = 0
    var statistics: ReplicationStatisticsWindow

    init(peerHost: String, primaryHost: String, recoveryHost: String, settings: ReplicationSettings, now: Date) {
        self.peerHost = peerHost
        self.primaryHost = primaryHost
        self.recoveryHost = recoveryHost
        self.settings = settings
        statistics = ReplicationStatisticsWindow(start: now)
    }
}

/// The `Msvm_ReplicationStatistics` of one relationship since its last reset (the counters of successes,
/// misses and failures live in the state machine, which evaluates health from them).
struct ReplicationStatisticsWindow: Codable, Sendable {
    var start: Date
    /// Bytes of block data replicated.
    var size: UInt64 = 0
    var maxSize: UInt64 = 0
    /// Seconds the last replica took from its point to being applied.
    var latency: UInt32 = 0
    var maxLatency: UInt32 = 0
    var networkFailureCount: UInt32 = 0
    var pendingSize: UInt64 = 0
    var lastTestFailoverTime: Date?

    mutating func recordReplica(bytes: UInt64, seconds: Double) {
        size &+= bytes
        maxSize = max(maxSize, bytes)
        latency = UInt32(clamping: Int(seconds.rounded(.up)))
        maxLatency = max(maxLatency, latency)
        pendingSize = 0
    }
}

/// A recovery point of a replica VM: a block-store point on each disk, shown as an
/// `Msvm_VirtualSystemSettingData` snapshot.
struct RecoveryPointRecord: Codable, Sendable, Hashable {
    /// The snapshot's `InstanceID`.
    var instanceID: String
    var kind: RecoveryPointKind
    var creationTime: Date
    /// Per disk, the block-store point.
    var points: [UInt64]
}
