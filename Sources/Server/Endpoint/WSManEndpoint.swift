/// What serves `/wsman`: it gets a whole, authenticated request and returns the response.
///
/// The server owns HTTP (parsing, authentication, limits, keep-alive); the endpoint owns SOAP.
/// Faults are answered as `WSManHTTPResponse.fault` (HTTP 500), successes as HTTP 200.
public protocol WSManEndpoint: Sendable {
    /// Answers one request. Called once per request; requests on one connection are answered in order.
    func respond(to request: WSManHTTPRequest) async -> WSManHTTPResponse

    /// Renders a fault raised by the HTTP layer for the request described by `info` (whose body was
    /// not read). The default implementation is `fault.defaultResponse()`.
    func respond(to fault: WSManTransportFault, for info: HTTPRequestInfo) -> WSManHTTPResponse
}

extension WSManEndpoint {
    public func respond(to fault: WSManTransportFault, for info: HTTPRequestInfo) -> WSManHTTPResponse {
        fault.defaultResponse()
    }
}
