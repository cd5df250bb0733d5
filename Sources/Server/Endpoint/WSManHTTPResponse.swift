/// What an endpoint answers: the server adds `Server`, `Content-Length` and connection headers.
public struct WSManHTTPResponse: Sendable, Hashable {
    /// The HTTP status: 200 for every WS-Man success (Create included), 500 for a SOAP fault.
    public var status: Int
    /// The `Content-Type`, nil for an empty body.
    public var contentType: String?
    /// Extra headers (e.g. a final `WWW-Authenticate` token).
    public var headers: [HTTPHeaderField]
    /// The body bytes, sent as they are (never compressed).
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, contentType: String? = nil, headers: [HTTPHeaderField] = [], body: [UInt8] = []) {
        self.status = status
        self.contentType = contentType
        self.headers = headers
        self.body = body
    }

    /// The content type of plain SOAP responses, as Windows sends it.
    public static let soapContentType = "application/soap+xml;charset=UTF-8"

    /// A 200 response carrying a SOAP envelope.
    public static func soap(_ body: [UInt8]) -> WSManHTTPResponse {
        WSManHTTPResponse(status: 200, contentType: soapContentType, body: body)
    }

    /// A 500 response carrying a SOAP fault envelope.
    public static func fault(_ body: [UInt8]) -> WSManHTTPResponse {
        WSManHTTPResponse(status: 500, contentType: soapContentType, body: body)
    }
}
