/// `FailedOverReplicationType` / `LastReplicationType` of `Msvm_ReplicationRelationship`: the kind of
/// replica a failover used, or the last replica received.
public enum FailedOverReplicationType: UInt16, CaseIterable, Sendable, Hashable, Codable {
    case none = 0
    case regular = 1
    case applicationConsistent = 2
    case planned = 3
}

/// `LastReplicationType` shares its values with `FailedOverReplicationType`.
public typealias LastReplicationType = FailedOverReplicationType
