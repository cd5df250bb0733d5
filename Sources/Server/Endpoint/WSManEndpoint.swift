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

    /// Answers one request at once where that needs no suspension, or returns the call that answers it.
    ///
    /// The server calls this, on the connection's event loop, instead of `respond(to:)`: a `.now` answer is
    /// written without starting a task. It must not block. The default implementation is
    /// `.later { await respond(to: request) }`.
    func reply(to request: WSManHTTPRequest) -> WSManEndpointReply
}

extension WSManEndpoint {
    public func respond(to fault: WSManTransportFault, for info: HTTPRequestInfo) -> WSManHTTPResponse {
        fault.defaultResponse()
    }

    public func reply(to request: WSManHTTPRequest) -> WSManEndpointReply {
        .later { await self.respond(to: request) }
    }
}
