/// `Msvm_ComputerSystem.EnabledState` of a virtual machine. The state machine only reads it for the
/// "virtual machine must be Off" guards; `.disabled` (3) is Off.
public enum EnabledState: UInt16, CaseIterable, Sendable, Hashable, Codable {
    case unknown = 0
    case other = 1
    /// Running.
    case enabled = 2
    /// Off.
    case disabled = 3
    case shuttingDown = 4
    case notApplicable = 5
    /// Saved.
    case enabledButOffline = 6
    case inTest = 7
    case deferred = 8
    /// Paused.
    case quiesce = 9
    case starting = 10
    case saving = 32773
    case pausing = 32776
    case resuming = 32777
    case fastSaved = 32779
    case fastSaving = 32780

    /// True when the virtual machine is turned off.
    public var isOff: Bool { self == .disabled }
}
