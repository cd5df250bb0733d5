/// `Msvm_ComputerSystem.ReplicationMode`: the role a virtual machine plays in Hyper-V Replica.
public enum ReplicationMode: UInt16, CaseIterable, Sendable, Hashable, Codable {
    case none = 0
    case primary = 1
    /// WMI calls this value "Replica"; the recovery side of a relationship.
    case recovery = 2
    case testReplica = 3
    case extendedReplica = 4

    /// The name the WMI documentation gives the value.
    public var name: String {
        switch self {
        case .none: "None"
        case .primary: "Primary"
        case .recovery: "Replica"
        case .testReplica: "Test Replica"
        case .extendedReplica: "Extended Replica"
        }
    }
}
