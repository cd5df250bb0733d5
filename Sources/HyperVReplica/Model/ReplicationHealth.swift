/// `ReplicationHealth` of `Msvm_ReplicationRelationship` and `Msvm_ReplicationStatistics`.
public enum ReplicationHealth: UInt16, CaseIterable, Sendable, Hashable {
    case notApplicable = 0
    case ok = 1
    case warning = 2
    case critical = 3

    /// The name the WMI documentation gives the value.
    public var name: String {
        switch self {
        case .notApplicable: "Not applicable"
        case .ok: "Ok"
        case .warning: "Warning"
        case .critical: "Critical"
        }
    }
}
