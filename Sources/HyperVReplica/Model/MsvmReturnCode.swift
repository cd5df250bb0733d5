/// The standard return codes of the `Msvm_` replication methods.
public enum MsvmReturnCode: UInt32, CaseIterable, Sendable, Hashable {
    case completed = 0
    case jobStarted = 4096
    case failed = 32768
    case accessDenied = 32769
    case notSupported = 32770
    case statusUnknown = 32771
    case timeout = 32772
    case invalidParameter = 32773
    case systemInUse = 32774
    case invalidState = 32775
    case incorrectDataType = 32776
    case systemNotAvailable = 32777
    case outOfMemory = 32778
    case fileNotFound = 32779

    /// The name the WMI documentation gives the value.
    public var name: String {
        switch self {
        case .completed: "Completed with No Error"
        case .jobStarted: "Method Parameters Checked - Job Started"
        case .failed: "Failed"
        case .accessDenied: "Access Denied"
        case .notSupported: "Not Supported"
        case .statusUnknown: "Status is unknown"
        case .timeout: "Timeout"
        case .invalidParameter: "Invalid parameter"
        case .systemInUse: "System is in use"
        case .invalidState: "Invalid state for this operation"
        case .incorrectDataType: "Incorrect data type"
        case .systemNotAvailable: "System is not available"
        case .outOfMemory: "Out of memory"
        case .fileNotFound: "File not found"
        }
    }
}
