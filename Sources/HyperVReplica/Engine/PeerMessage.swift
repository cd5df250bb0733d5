import Foundation

/// The operations one host asks of its replication peer (`PeerTransport` carries them; the parameters travel
/// as JSON). See docs/peer-protocol.md.
enum PeerOperation: String, Sendable {
    /// Primary → recovery host: create the replica (or extended replica) VM.
    case createReplica = "create-replica"
    /// Sender → receiver: apply a replication stream (the body) to one disk of the replica.
    case applyStream = "apply-stream"
    /// Sender → receiver: the SHA-256 of every block of one replica disk, for seeding and resynchronization.
    case checksumMap = "checksum-map"
    /// Either way: a state change the other side must follow (import done, reversed, removed).
    case notify = "notify"
    /// `TestReplicationConnection`: is replication to this host allowed?
    case testConnection = "test-connection"
}

enum PeerMessage {
    struct CreateReplica: Codable, Sendable {
        var vmName: String
        var elementName: String
        var primaryHost: String
        /// 2 Replica, or 4 Extended Replica.
        var replicationMode: UInt16
        var disks: [DiskGeometry]
        var settings: ReplicationSettings
    }

    struct CreateReplicaReply: Codable, Sendable {
        var recoveryHost: String
    }

    /// Why a stream is sent, which decides what the receiver does after the last disk.
    enum StreamPurpose: String, Codable, Sendable {
        case initialReplication
        case delta
        case resynchronization
    }

    struct ApplyStream: Codable, Sendable {
        var vmName: String
        var diskIndex: Int
        var diskCount: Int
        var purpose: StreamPurpose
        /// The kind of recovery point the receiver makes once every disk of the cycle is applied.
        var pointKind: RecoveryPointKind
    }

    struct ApplyStreamReply: Codable, Sendable {
        var blocksChanged: Int
    }

    struct ChecksumMapRequest: Codable, Sendable {
        var vmName: String
        var diskIndex: Int
    }

    struct ChecksumMapReply: Codable, Sendable {
        /// `ChecksumMap.serialized()`, base64.
        var map: String
    }

    enum Event: String, Codable, Sendable {
        /// Replica → primary: the exported initial replica was imported.
        case initialReplicaImported
        /// New primary → old primary: the relationship was reversed after a planned failover.
        case reversedPlanned
        /// New primary → old primary: reversed after an unplanned failover; an initial replication follows.
        case reversedUnplanned
    }

    struct Notify: Codable, Sendable {
        var vmName: String
        var event: Event
    }

    struct Empty: Codable, Sendable {}
}
