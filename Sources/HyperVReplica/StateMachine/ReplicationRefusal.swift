/// Why the state machine refused an event, and the WMI return code the method answers with.
public struct ReplicationRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Sendable, Hashable {
        case invalidState
        case invalidParameter
        case notSupported
    }

    private let kind: Kind
    /// A sentence for `ErrorDescription` / `Msvm_Error.Message`.
    public let reason: String

    private init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    /// 32775 Invalid state for this operation.
    public static func invalidState(_ reason: String) -> ReplicationRefusal { .init(.invalidState, reason) }
    /// 32773 Invalid parameter.
    public static func invalidParameter(_ reason: String) -> ReplicationRefusal { .init(.invalidParameter, reason) }
    /// 32770 Not supported.
    public static func notSupported(_ reason: String) -> ReplicationRefusal { .init(.notSupported, reason) }

    /// The return code the WMI method answers with.
    public var returnCode: MsvmReturnCode {
        switch kind {
        case .invalidState: .invalidState
        case .invalidParameter: .invalidParameter
        case .notSupported: .notSupported
        }
    }

    public var description: String { "\(returnCode.rawValue) \(returnCode.name): \(reason)" }
}
