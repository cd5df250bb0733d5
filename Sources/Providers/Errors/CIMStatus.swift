/// A failed CIM operation, as WMI would report it: a WBEM error code (`0x80041002` …), the DSP0200 CIM status code
/// and a message. The WS-Man layer turns it into a fault; providers throw it and never format faults themselves.
///
/// Compare kinds with `code`: `error.code == .notFound`.
public struct CIMStatus: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure. New kinds can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case failed, notFound, accessDenied, providerFailure, typeMismatch, invalidParameter, notSupported
            case invalidNamespace, invalidObject, invalidClass, invalidQuery, invalidQueryType, alreadyExists
            case invalidMethod, invalidMethodParameters, invalidObjectPath, notSingleton, invalidProperty
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// WBEM_E_FAILED.
        public static let failed = Code(.failed)
        /// WBEM_E_NOT_FOUND: no instance with these keys.
        public static let notFound = Code(.notFound)
        /// WBEM_E_ACCESS_DENIED.
        public static let accessDenied = Code(.accessDenied)
        /// WBEM_E_PROVIDER_FAILURE: a provider failed for a reason of its own.
        public static let providerFailure = Code(.providerFailure)
        /// WBEM_E_TYPE_MISMATCH: a value does not convert to the declared type.
        public static let typeMismatch = Code(.typeMismatch)
        /// WBEM_E_INVALID_PARAMETER.
        public static let invalidParameter = Code(.invalidParameter)
        /// WBEM_E_NOT_SUPPORTED: the operation or method has no implementation.
        public static let notSupported = Code(.notSupported)
        /// WBEM_E_INVALID_NAMESPACE.
        public static let invalidNamespace = Code(.invalidNamespace)
        /// WBEM_E_INVALID_OBJECT: an instance that does not fit its class.
        public static let invalidObject = Code(.invalidObject)
        /// WBEM_E_INVALID_CLASS: no such class in the namespace.
        public static let invalidClass = Code(.invalidClass)
        /// WBEM_E_INVALID_QUERY.
        public static let invalidQuery = Code(.invalidQuery)
        /// WBEM_E_INVALID_QUERY_TYPE: a query language other than WQL.
        public static let invalidQueryType = Code(.invalidQueryType)
        /// WBEM_E_ALREADY_EXISTS: Create of an instance whose keys are taken.
        public static let alreadyExists = Code(.alreadyExists)
        /// WBEM_E_INVALID_METHOD: the class has no such method.
        public static let invalidMethod = Code(.invalidMethod)
        /// WBEM_E_INVALID_METHOD_PARAMETERS: a required IN parameter is missing, or the in-parameters do not fit.
        public static let invalidMethodParameters = Code(.invalidMethodParameters)
        /// WBEM_E_INVALID_OBJECT_PATH: keys missing, unknown or of the wrong type (WS-Man: `w:InvalidSelectors`).
        public static let invalidObjectPath = Code(.invalidObjectPath)
        /// A class that is not a singleton was addressed without keys (WS-Man: 2150859002
        /// ERROR_WSMAN_INVALID_URI_WMI_SINGLETON).
        public static let notSingleton = Code(.notSingleton)
        /// A property the class does not declare, or a value that does not fit one (CIM_ERR_NO_SUCH_PROPERTY).
        public static let invalidProperty = Code(.invalidProperty)

        /// The WMI HRESULT (`WBEMSTATUS`), e.g. `0x80041002` for not found.
        public var wbemCode: UInt32 {
            switch base {
            case .failed: return 0x8004_1001
            case .notFound: return 0x8004_1002
            case .accessDenied: return 0x8004_1003
            case .providerFailure: return 0x8004_1004
            case .typeMismatch: return 0x8004_1005
            case .invalidParameter, .invalidProperty: return 0x8004_1008
            case .notSupported: return 0x8004_100C
            case .invalidNamespace: return 0x8004_100E
            case .invalidObject: return 0x8004_100F
            case .invalidClass: return 0x8004_1010
            case .invalidQuery: return 0x8004_1017
            case .invalidQueryType: return 0x8004_1018
            case .alreadyExists: return 0x8004_1019
            case .invalidMethod: return 0x8004_102E
            case .invalidMethodParameters: return 0x8004_102F
            case .invalidObjectPath, .notSingleton: return 0x8004_103A
            }
        }

        /// The DSP0200 CIM status code (`CIM_ERR_NOT_FOUND` = 6 …).
        public var cimStatusCode: Int {
            switch base {
            case .failed, .providerFailure: return 1
            case .accessDenied: return 2
            case .invalidNamespace: return 3
            case .invalidParameter, .invalidMethodParameters, .invalidObjectPath, .notSingleton, .invalidObject:
                return 4
            case .invalidClass: return 5
            case .notFound: return 6
            case .notSupported: return 7
            case .alreadyExists: return 11
            case .invalidProperty: return 12
            case .typeMismatch: return 13
            case .invalidQueryType: return 14
            case .invalidQuery: return 15
            case .invalidMethod: return 17
            }
        }

        /// The `WBEM_E_…` name.
        public var name: String {
            switch base {
            case .failed: return "WBEM_E_FAILED"
            case .notFound: return "WBEM_E_NOT_FOUND"
            case .accessDenied: return "WBEM_E_ACCESS_DENIED"
            case .providerFailure: return "WBEM_E_PROVIDER_FAILURE"
            case .typeMismatch: return "WBEM_E_TYPE_MISMATCH"
            case .invalidParameter: return "WBEM_E_INVALID_PARAMETER"
            case .invalidProperty: return "WBEM_E_INVALID_PARAMETER"
            case .notSupported: return "WBEM_E_NOT_SUPPORTED"
            case .invalidNamespace: return "WBEM_E_INVALID_NAMESPACE"
            case .invalidObject: return "WBEM_E_INVALID_OBJECT"
            case .invalidClass: return "WBEM_E_INVALID_CLASS"
            case .invalidQuery: return "WBEM_E_INVALID_QUERY"
            case .invalidQueryType: return "WBEM_E_INVALID_QUERY_TYPE"
            case .alreadyExists: return "WBEM_E_ALREADY_EXISTS"
            case .invalidMethod: return "WBEM_E_INVALID_METHOD"
            case .invalidMethodParameters: return "WBEM_E_INVALID_METHOD_PARAMETERS"
            case .invalidObjectPath, .notSingleton: return "WBEM_E_INVALID_OBJECT_PATH"
            }
        }

        public var description: String { name }
    }

    /// The kind of failure.
    public let code: Code
    /// Human-readable text, in the style of WMI's messages.
    public let message: String
    /// The parameter, property or key the error is about, when there is one.
    public let parameterName: String?

    /// Builds a status of any kind.
    public init(_ code: Code, _ message: String, parameterName: String? = nil) {
        self.code = code
        self.message = message
        self.parameterName = parameterName
    }

    public var description: String {
        let hex = "0x" + String(code.wbemCode, radix: 16, uppercase: true)
        return "\(code.name) (\(hex)): \(message)"
    }

    public static func failed(_ message: String) -> CIMStatus { CIMStatus(.failed, message) }
    public static func notFound(_ message: String = "Not found") -> CIMStatus { CIMStatus(.notFound, message) }
    public static func accessDenied(_ message: String = "Access denied") -> CIMStatus {
        CIMStatus(.accessDenied, message)
    }
    public static func providerFailure(_ message: String) -> CIMStatus { CIMStatus(.providerFailure, message) }
    public static func typeMismatch(_ message: String, name: String? = nil) -> CIMStatus {
        CIMStatus(.typeMismatch, message, parameterName: name)
    }
    public static func invalidParameter(_ name: String, _ message: String? = nil) -> CIMStatus {
        CIMStatus(.invalidParameter, message ?? "Invalid parameter \(name)", parameterName: name)
    }
    public static func notSupported(_ message: String = "Not supported") -> CIMStatus {
        CIMStatus(.notSupported, message)
    }
    public static func invalidNamespace(_ namespace: String) -> CIMStatus {
        CIMStatus(.invalidNamespace, "Invalid namespace \(namespace)")
    }
    public static func invalidObject(_ message: String) -> CIMStatus { CIMStatus(.invalidObject, message) }
    public static func invalidClass(_ className: String) -> CIMStatus {
        CIMStatus(.invalidClass, "Invalid class \(className)")
    }
    public static func invalidQuery(_ message: String) -> CIMStatus { CIMStatus(.invalidQuery, message) }
    public static func invalidQueryType(_ language: String) -> CIMStatus {
        CIMStatus(.invalidQueryType, "Query language \(language) is not supported")
    }
    public static func alreadyExists(_ message: String = "Already exists") -> CIMStatus {
        CIMStatus(.alreadyExists, message)
    }
    public static func invalidMethod(_ method: String, className: String) -> CIMStatus {
        CIMStatus(.invalidMethod, "Class \(className) has no method \(method)", parameterName: method)
    }
    public static func invalidMethodParameters(_ message: String, name: String? = nil) -> CIMStatus {
        CIMStatus(.invalidMethodParameters, message, parameterName: name)
    }
    public static func invalidObjectPath(_ message: String, key: String? = nil) -> CIMStatus {
        CIMStatus(.invalidObjectPath, message, parameterName: key)
    }
    public static func notSingleton(_ className: String) -> CIMStatus {
        CIMStatus(.notSingleton, "Class \(className) is not a singleton: its keys are required")
    }
    public static func invalidProperty(_ name: String, _ message: String? = nil) -> CIMStatus {
        CIMStatus(.invalidProperty, message ?? "Invalid property \(name)", parameterName: name)
    }
}
