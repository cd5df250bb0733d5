/// A fault the HTTP layer raises before the WS-Man layer has seen the request, e.g. an envelope over
/// `ServerLimits.maxEnvelopeSize`. The endpoint renders it (`WSManEndpoint.respond(to:for:)`) so the
/// SOAP shape stays in one place; `defaultResponse` is a minimal rendering for endpoints that do not.
public struct WSManTransportFault: Sendable, Hashable {
    private enum Kind: Hashable {
        case encodingLimit(limit: Int)
        case quotaLimit(limit: Int)
    }

    private let kind: Kind

    private init(_ kind: Kind) { self.kind = kind }

    /// The request body is larger than the envelope size limit.
    public static func encodingLimit(maxEnvelopeSize: Int) -> WSManTransportFault {
        WSManTransportFault(.encodingLimit(limit: maxEnvelopeSize))
    }

    /// The user already has the maximum number of operations in progress.
    public static func quotaLimit(maxConcurrentOperations: Int) -> WSManTransportFault {
        WSManTransportFault(.quotaLimit(limit: maxConcurrentOperations))
    }

    /// The WS-Man subcode, prefixed `w:` as on the wire.
    public var subcode: String {
        switch kind {
        case .encodingLimit: "w:EncodingLimit"
        case .quotaLimit: "w:QuotaLimit"
        }
    }

    /// The `WSManFault@Code` (Windows `ERROR_WSMAN_*` value).
    public var code: UInt32 {
        switch kind {
        case .encodingLimit: 2_150_858_805  // ERROR_WSMAN_ENCODING_LIMIT
        case .quotaLimit: 2_150_859_174  // ERROR_WSMAN_QUOTA_MAX_OPERATIONS
        }
    }

    /// The `w:FaultDetail` URI, when the subcode has one.
    public var faultDetail: String? {
        switch kind {
        case .encodingLimit: "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/MaxEnvelopeSize"
        case .quotaLimit: nil
        }
    }

    /// The reason text, worded as Windows words it.
    public var reason: String {
        switch kind {
        case .encodingLimit(let limit):
            "The WS-Management service cannot process the request because the envelope size in the request "
                + "is too large (more than \(limit) bytes). "
        case .quotaLimit(let limit):
            "The WS-Management service cannot process the request. This user is allowed a maximum number of "
                + "\(limit) concurrent operations, which has been exceeded. Close existing operations for this "
                + "user, or raise the quota for this user. "
        }
    }

    /// A plain HTTP 500 SOAP 1.2 fault with the subcode, reason and `WSManFault@Code`.
    public func defaultResponse(machine: String = "localhost") -> WSManHTTPResponse {
        var xml = "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\""
        xml += " xmlns:a=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\""
        xml += " xmlns:w=\"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd\"><s:Header>"
        xml += "<a:Action>http://schemas.dmtf.org/wbem/wsman/1/wsman/fault</a:Action>"
        xml += "</s:Header><s:Body><s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value>"
        xml += subcode + "</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang=\"en-US\">"
        xml += Self.escape(reason) + "</s:Text></s:Reason><s:Detail>"
        if let faultDetail { xml += "<w:FaultDetail>" + faultDetail + "</w:FaultDetail>" }
        xml += "<f:WSManFault xmlns:f=\"http://schemas.microsoft.com/wbem/wsman/1/wsmanfault\" Code=\"\(code)\""
        xml += " Machine=\"" + Self.escape(machine) + "\"><f:Message>" + Self.escape(reason)
        xml += "</f:Message></f:WSManFault></s:Detail></s:Fault></s:Body></s:Envelope>"
        return .fault(Array(xml.utf8))
    }

    private static func escape(_ text: String) -> String {
        var out = ""
        for char in text {
            switch char {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(char)
            }
        }
        return out
    }
}
