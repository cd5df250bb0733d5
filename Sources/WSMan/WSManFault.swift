/// A SOAP fault as Windows WinRM sends it: SOAP code, subcode, the WS-Management error code, reason
/// text, optional fault detail URI, optional WMI error (`MSFT_WmiError`) and provider fault.
///
/// Providers and the decoder throw it; `WSManResponseEncoder.encode(_:relatesTo:)` renders it
/// (HTTP status `httpStatus`). Build one with the static members, which cover wsman-wire.md §10.
public struct WSManFault: Error, Sendable, Hashable, CustomStringConvertible {
    /// The `s:Code/s:Value` of the fault.
    public enum SOAPCode: Sendable, Hashable {
        case sender, receiver, mustUnderstand
    }

    /// A namespace-qualified subcode such as `w:InvalidSelectors`.
    public struct Subcode: Sendable, Hashable {
        public var namespaceURI: String
        public var localName: String

        public init(_ namespaceURI: String, _ localName: String) {
            self.namespaceURI = namespaceURI
            self.localName = localName
        }
    }

    /// The WMI error carried as `MSFT_WmiError` in the fault detail.
    public struct WMIError: Sendable, Hashable {
        /// DMTF CIM status code (`CIMStatusCode`): 6 = not found, 7 = not supported, …
        public var cimStatusCode: UInt32
        /// The WMI HRESULT as an unsigned decimal (`error_Code`), e.g. 2147749890 for 0x80041002.
        public var errorCode: UInt32
        /// `error_Category` (MI error category), e.g. 13 = object not found.
        public var errorCategory: UInt32
        public var message: String

        public init(cimStatusCode: UInt32, errorCode: UInt32, errorCategory: UInt32, message: String) {
            self.cimStatusCode = cimStatusCode
            self.errorCode = errorCode
            self.errorCategory = errorCategory
            self.message = message
        }

        /// `HRESULT 0x80041002` style message identifier.
        public var messageID: String {
            let hex = String(errorCode, radix: 16, uppercase: true)
            return "HRESULT 0x" + String(repeating: "0", count: max(0, 8 - hex.count)) + hex
        }
    }

    /// The `f:ProviderFault` Windows nests in `f:WSManFault/f:Message` for plugin errors.
    public struct ProviderFault: Sendable, Hashable {
        public var provider: String
        public var path: String
        public var code: UInt32
        public var message: String

        public init(
            provider: String = "WMIv1 plugin for Windows Remote Management ",
            path: String = "%systemroot%\\system32\\WsmWmiPl.dll", code: UInt32, message: String
        ) {
            self.provider = provider
            self.path = path
            self.code = code
            self.message = message
        }
    }

    /// Fault action URIs, one per fault family.
    public enum Action {
        public static let wsman = "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault"
        public static let addressing = "http://schemas.xmlsoap.org/ws/2004/08/addressing/fault"
        public static let enumeration = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/fault"
        public static let transfer = "http://schemas.xmlsoap.org/ws/2004/09/transfer/fault"
        public static let soap = "http://www.w3.org/2003/05/soap-envelope/fault"
    }

    public var code: SOAPCode
    /// nil only for `s:MustUnderstand`.
    public var subcode: Subcode?
    /// The `f:WSManFault/@Code` value (a Windows `ERROR_WSMAN_*` constant, decimal).
    public var wsmanCode: UInt32
    /// `s:Reason/s:Text` and `f:Message`.
    public var reason: String
    /// `w:FaultDetail` URI, e.g. `…/faultDetail/InvalidValue`.
    public var faultDetail: String?
    public var wmiError: WMIError?
    public var providerFault: ProviderFault?
    /// `a:Action` of the fault message.
    public var action: String

    public init(
        code: SOAPCode, subcode: Subcode?, wsmanCode: UInt32, reason: String, faultDetail: String? = nil,
        wmiError: WMIError? = nil, providerFault: ProviderFault? = nil, action: String = Action.wsman
    ) {
        self.code = code
        self.subcode = subcode
        self.wsmanCode = wsmanCode
        self.reason = reason
        self.faultDetail = faultDetail
        self.wmiError = wmiError
        self.providerFault = providerFault
        self.action = action
    }

    /// Windows answers every SOAP fault with HTTP 500.
    public var httpStatus: Int { 500 }

    public var description: String {
        let sub = subcode.map { " \($0.localName)" } ?? ""
        return "WSManFault\(sub) (\(wsmanCode)): \(reason)"
    }

    /// A copy with a different reason text (keeps the subcode and codes).
    public func with(reason: String) -> WSManFault {
        var copy = self
        copy.reason = reason
        return copy
    }

    static let faultDetailBase = "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/"
}

// MARK: - The subcode table of wsman-wire.md §10

extension WSManFault {
    private static func w(_ name: String) -> Subcode { Subcode(WSManNamespace.wsman, name) }
    private static func a(_ name: String) -> Subcode { Subcode(WSManNamespace.addressing, name) }
    private static func n(_ name: String) -> Subcode { Subcode(WSManNamespace.enumeration, name) }

    /// Unknown or invalid selectors, or no instance with these keys.
    public static func invalidSelectors(
        _ reason: String = "The WS-Management service cannot process the request because the request contained "
            + "invalid selectors for the resource. ", wsmanCode: UInt32 = 2_150_858_813, wmiError: WMIError? = nil
    ) -> WSManFault {
        WSManFault(code: .sender, subcode: w("InvalidSelectors"), wsmanCode: wsmanCode, reason: reason,
                   wmiError: wmiError)
    }

    /// A non-singleton WMI class addressed without its keys (`ERROR_WSMAN_INVALID_URI_WMI_SINGLETON`).
    public static func missingSelectors(_ className: String) -> WSManFault {
        invalidSelectors(
            "The WS-Management service cannot process the request. The class \(className) is not a singleton "
                + "and the request has no selectors. ", wsmanCode: 2_150_859_002)
    }

    /// Selectors sent to a resource that takes none.
    public static func unexpectedSelectors(_ reason: String = "The WS-Management service cannot process the "
        + "request because the request contained unexpected selectors. ") -> WSManFault {
        invalidSelectors(reason, wsmanCode: 2_150_858_843)
    }

    /// The resource URI names no known resource.
    public static func invalidResourceURI(_ resourceURI: String) -> WSManFault {
        WSManFault(
            code: .sender, subcode: a("DestinationUnreachable"), wsmanCode: 2_150_858_811,
            reason: "The WS-Management service cannot process the request. The resource URI \(resourceURI) "
                + "was not found in the WS-Management catalog. ",
            faultDetail: faultDetailBase + "InvalidResourceURI", action: Action.addressing)
    }

    /// The endpoint cannot be reached (unknown host or namespace).
    public static func destinationUnreachable(_ reason: String) -> WSManFault {
        WSManFault(code: .sender, subcode: a("DestinationUnreachable"), wsmanCode: 2_150_858_770,
                   reason: reason, action: Action.addressing)
    }

    /// Unknown action or method.
    public static func actionNotSupported(_ action: String) -> WSManFault {
        WSManFault(
            code: .sender, subcode: a("ActionNotSupported"), wsmanCode: 2_150_858_771,
            reason: "The WS-Management service cannot process the request because the action \(action) is not "
                + "supported. ", faultDetail: faultDetailBase + "ActionMismatch", action: Action.addressing)
    }

    /// A malformed addressing header (e.g. an empty MessageID).
    public static func invalidMessageInformationHeader(_ reason: String) -> WSManFault {
        WSManFault(code: .sender, subcode: a("InvalidMessageInformationHeader"), wsmanCode: 2_150_858_767,
                   reason: reason, action: Action.addressing)
    }

    /// A required addressing header is missing (e.g. no Action).
    public static func messageInformationHeaderRequired(_ header: String) -> WSManFault {
        WSManFault(
            code: .sender, subcode: a("MessageInformationHeaderRequired"), wsmanCode: 2_150_858_769,
            reason: "The WS-Management service cannot process the request because the header \(header) is "
                + "missing. ", action: Action.addressing)
    }

    /// Malformed XML or a body that does not match the operation.
    public static func schemaValidationError(_ reason: String) -> WSManFault {
        WSManFault(code: .sender, subcode: w("SchemaValidationError"), wsmanCode: 2_150_858_817,
                   reason: "The WS-Management service cannot process the request because the XML is invalid: "
                       + reason + " ")
    }

    /// A parameter or property value that cannot be used.
    public static func invalidParameter(_ reason: String, wmiError: WMIError? = nil) -> WSManFault {
        WSManFault(code: .sender, subcode: w("InvalidParameter"), wsmanCode: 2_150_858_810, reason: reason,
                   faultDetail: faultDetailBase + "InvalidValue", wmiError: wmiError)
    }

    /// An OptionSet option that must be understood and is not.
    public static func invalidOptions(_ reason: String) -> WSManFault {
        WSManFault(code: .sender, subcode: w("InvalidOptions"), wsmanCode: 2_150_858_809, reason: reason,
                   faultDetail: faultDetailBase + "NotSupported")
    }

    /// `MaxEnvelopeSize` below 8192 (`ERROR_WSMAN_INVALID_MAXENVELOPESIZE`).
    public static func encodingLimitTooSmall(_ requested: Int) -> WSManFault {
        WSManFault(
            code: .sender, subcode: w("EncodingLimit"), wsmanCode: 2_150_858_805,
            reason: "The WS-Management service cannot process the request because the MaxEnvelopeSize "
                + "\(requested) is smaller than 8192. ", faultDetail: faultDetailBase + "MaxEnvelopeSize")
    }

    /// The response would exceed the client's `MaxEnvelopeSize` (`ERROR_WSMAN_RESPONSE_TOO_LARGE`... family).
    public static func encodingLimit(responseSize: Int, maxEnvelopeSize: Int) -> WSManFault {
        WSManFault(
            code: .sender, subcode: w("EncodingLimit"), wsmanCode: 2_150_858_824,
            reason: "The WS-Management service cannot process the request because the response of "
                + "\(responseSize) bytes exceeds the maximum envelope size of \(maxEnvelopeSize) bytes. ",
            faultDetail: faultDetailBase + "MaxEnvelopeSize")
    }

    /// The operation exceeded `OperationTimeout` (pywinrm maps this code to a timeout error).
    public static let timedOut = WSManFault(
        code: .receiver, subcode: Subcode(WSManNamespace.wsman, "TimedOut"), wsmanCode: 2_150_858_793,
        reason: "The WS-Management service cannot complete the operation within the time specified in "
            + "OperationTimeout. ")

    /// Unknown, expired or released enumeration context.
    public static let invalidEnumerationContext = WSManFault(
        code: .receiver, subcode: Subcode(WSManNamespace.enumeration, "InvalidEnumerationContext"),
        wsmanCode: 2_150_858_779,
        reason: "The WS-Management service cannot process the request because the enumeration context "
            + "supplied in the message is not valid. ", action: Action.enumeration)

    /// A filter dialect we do not implement.
    public static func filterDialectRequestedUnavailable(_ dialect: String) -> WSManFault {
        WSManFault(
            code: .sender, subcode: n("FilterDialectRequestedUnavailable"), wsmanCode: 2_150_858_777,
            reason: "The WS-Management service cannot process the request because the filter dialect "
                + "\(dialect) is not supported. ", action: Action.enumeration)
    }

    /// A filter we understand the dialect of but cannot evaluate (e.g. bad WQL).
    public static func cannotProcessFilter(_ reason: String, wmiError: WMIError? = nil) -> WSManFault {
        WSManFault(code: .sender, subcode: n("CannotProcessFilter"), wsmanCode: 2_150_858_778, reason: reason,
                   wmiError: wmiError, action: Action.enumeration)
    }

    /// The user may not do this.
    public static func accessDenied(_ reason: String = "Access is denied. ") -> WSManFault {
        WSManFault(code: .sender, subcode: w("AccessDenied"), wsmanCode: 5, reason: reason)
    }

    /// Create of an instance that exists.
    public static func alreadyExists(_ reason: String = "The WS-Management service cannot create the resource "
        + "because it already exists. ") -> WSManFault {
        WSManFault(code: .sender, subcode: w("AlreadyExists"), wsmanCode: 2_150_858_803, reason: reason,
                   action: Action.transfer)
    }

    /// An operation the resource does not support (Put/Create/Delete on Msvm classes).
    public static func unsupportedFeature(_ reason: String) -> WSManFault {
        WSManFault(code: .sender, subcode: w("UnsupportedFeature"), wsmanCode: 2_150_858_818, reason: reason)
    }

    /// A provider failed (`ERROR_WSMAN_PROVIDER_FAILURE`).
    public static func internalError(_ reason: String, wmiError: WMIError? = nil) -> WSManFault {
        WSManFault(code: .receiver, subcode: w("InternalError"), wsmanCode: 2_150_858_755, reason: reason,
                   wmiError: wmiError)
    }

    /// A header marked `s:mustUnderstand="true"` that we do not understand.
    public static func mustUnderstand(_ header: String) -> WSManFault {
        WSManFault(
            code: .mustUnderstand, subcode: nil, wsmanCode: 2_150_858_768,
            reason: "The WS-Management service cannot process a SOAP header in the request that is marked as "
                + "mustUnderstand by the client: \(header). ", action: Action.soap)
    }
}

// MARK: - WMI errors (MSFT_WmiError detail)

extension WSManFault {
    /// WBEM_E_NOT_FOUND (0x80041002): no instance with these keys.
    public static func wmiNotFound(_ message: String = "Not found ") -> WSManFault {
        invalidSelectors(wmiError: WMIError(cimStatusCode: 6, errorCode: 0x8004_1002, errorCategory: 13,
                                            message: message))
    }

    /// WBEM_E_NOT_SUPPORTED (0x8004100C): the provider does not implement the operation.
    public static func wmiNotSupported(_ message: String = "Not supported ") -> WSManFault {
        WSManFault(
            code: .sender, subcode: w("UnsupportedFeature"), wsmanCode: 2_150_858_818, reason: message,
            wmiError: WMIError(cimStatusCode: 7, errorCode: 0x8004_100C, errorCategory: 11, message: message))
    }

    /// WBEM_E_INVALID_CLASS (0x80041010): the class does not exist in the namespace.
    public static func wmiInvalidClass(_ resourceURI: String, message: String = "Invalid class ") -> WSManFault {
        var fault = invalidResourceURI(resourceURI)
        fault.wmiError = WMIError(cimStatusCode: 5, errorCode: 0x8004_1010, errorCategory: 10, message: message)
        fault.action = Action.wsman
        return fault
    }

    /// WBEM_E_INVALID_NAMESPACE (0x8004100E).
    public static func wmiInvalidNamespace(_ namespace: String) -> WSManFault {
        var fault = destinationUnreachable("The WS-Management service cannot process the request. The WMI "
            + "namespace \(namespace) does not exist. ")
        fault.wmiError = WMIError(cimStatusCode: 3, errorCode: 0x8004_100E, errorCategory: 10,
                                  message: "Invalid namespace ")
        fault.action = Action.wsman
        return fault
    }

    /// WBEM_E_INVALID_QUERY (0x80041017): WQL that does not parse or names unknown things.
    public static func wmiInvalidQuery(_ message: String = "Invalid query ") -> WSManFault {
        cannotProcessFilter(message, wmiError: WMIError(cimStatusCode: 15, errorCode: 0x8004_1017,
                                                        errorCategory: 16, message: message))
    }

    /// WBEM_E_INVALID_METHOD_PARAMETERS (0x80041055).
    public static func wmiInvalidMethodParameters(_ message: String = "Invalid method Parameter(s) ") -> WSManFault {
        invalidParameter(message, wmiError: WMIError(cimStatusCode: 4, errorCode: 0x8004_1055, errorCategory: 5,
                                                     message: message))
    }

    /// WBEM_E_INVALID_PARAMETER (0x80041008).
    public static func wmiInvalidParameter(_ message: String = "Invalid parameter ") -> WSManFault {
        invalidParameter(message, wmiError: WMIError(cimStatusCode: 4, errorCode: 0x8004_1008, errorCategory: 5,
                                                     message: message))
    }

    /// WBEM_E_METHOD_NOT_IMPLEMENTED (0x80041024) — the class has no such method.
    public static func wmiMethodNotImplemented(_ method: String) -> WSManFault {
        var fault = actionNotSupported(method)
        fault.wmiError = WMIError(cimStatusCode: 16, errorCode: 0x8004_1024, errorCategory: 11,
                                  message: "Method not implemented ")
        fault.action = Action.wsman
        return fault
    }

    /// WBEM_E_ACCESS_DENIED (0x80041003).
    public static func wmiAccessDenied(_ message: String = "Access denied ") -> WSManFault {
        var fault = accessDenied(message)
        fault.wmiError = WMIError(cimStatusCode: 2, errorCode: 0x8004_1003, errorCategory: 18, message: message)
        return fault
    }

    /// WBEM_E_ALREADY_EXISTS (0x80041019).
    public static func wmiAlreadyExists(_ message: String = "Already exists ") -> WSManFault {
        var fault = alreadyExists(message)
        fault.wmiError = WMIError(cimStatusCode: 11, errorCode: 0x8004_1019, errorCategory: 20, message: message)
        fault.action = Action.wsman
        return fault
    }

    /// WBEM_E_FAILED (0x80041001): generic provider failure.
    public static func wmiFailed(_ message: String = "Generic failure ") -> WSManFault {
        internalError(message, wmiError: WMIError(cimStatusCode: 1, errorCode: 0x8004_1001, errorCategory: 0,
                                                  message: message))
    }
}
