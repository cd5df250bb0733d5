/// Which of a virtual machine's two replication relationships a call or event concerns.
public enum ReplicationRelationshipSide: UInt8, CaseIterable, Sendable, Hashable, Codable {
    /// `…\HVR\0`: the relationship between the primary and the replica.
    case primary = 0
    /// `…\HVR\1`: on a replica VM, the relationship to its extended replica.
    case extended = 1

    /// The suffix of the `InstanceID` ("Microsoft:<VMGUID>" + suffix) of the relationship and its settings.
    public var instanceIDSuffix: String {
        switch self {
        case .primary: "\\HVR\\0"
        case .extended: "\\HVR\\1"
        }
    }
}
