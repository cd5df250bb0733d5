import CIM
import Providers
import WSMan

extension WSManFault {
    /// The fault Windows' WMI plugin answers for a WMI error: the WS-Man subcode the situation calls for
    /// (wsman-wire.md §10), with the WMI code and message in `MSFT_WmiError`.
    init(_ status: CIMStatus, resourceURI: String, action: String) {
        let wmi = WMIError(cimStatusCode: UInt32(status.code.cimStatusCode), errorCode: status.code.wbemCode,
                           errorCategory: Self.category(of: status.code), message: status.message)
        switch status.code {
        case .notFound:
            self = .wmiNotFound(status.message)
        case .invalidNamespace:
            self = .wmiInvalidNamespace(status.message)
        case .invalidClass:
            self = .wmiInvalidClass(resourceURI, message: status.message)
        case .notSingleton:
            self = .invalidSelectors(status.message + " ", wsmanCode: 2_150_859_002, wmiError: wmi)
        case .invalidObjectPath:
            self = .invalidSelectors(status.message + " ", wmiError: wmi)
        case .invalidParameter, .invalidProperty, .typeMismatch, .invalidMethodParameters:
            self = .invalidParameter(status.message + " ", wmiError: wmi)
        case .invalidMethod:
            self = .actionNotSupported(action)
            wmiError = wmi
        case .notSupported:
            self = .wmiNotSupported(status.message)
        case .alreadyExists:
            self = .alreadyExists()
            wmiError = wmi
        case .invalidQuery, .invalidQueryType:
            self = .cannotProcessFilter(status.message + " ", wmiError: wmi)
        case .accessDenied:
            self = .wmiAccessDenied(status.message)
        default:
            self = .internalError(status.message + " ", wmiError: wmi)
        }
    }

    /// MI error categories (MI_ErrorCategory) for the `error_Category` of MSFT_WmiError.
    private static func category(of code: CIMStatus.Code) -> UInt32 {
        switch code {
        case .notFound: return 13
        case .accessDenied: return 18
        case .notSupported: return 11
        case .invalidClass, .invalidNamespace: return 10
        case .invalidParameter, .invalidProperty, .invalidMethodParameters, .typeMismatch, .invalidObjectPath,
            .notSingleton:
            return 5
        case .alreadyExists: return 12
        case .invalidQuery, .invalidQueryType: return 6
        default: return 0
        }
    }
}
