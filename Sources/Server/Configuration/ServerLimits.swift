/// Resource limits of the HTTP server, one value passed in at start-up.
///
/// The defaults mirror a Windows Server WinRM listener where one exists (`MaxEnvelopeSizekb` 500,
/// `MaxConcurrentOperationsPerUser` 1500, HTTP.sys' 120 s idle connection timeout).
public struct ServerLimits: Sendable, Hashable {
    /// Largest `/wsman` request body accepted, in bytes. Default 512000 (Windows' 500 KiB).
    ///
    /// A larger body is never buffered: it is read and discarded, then answered with HTTP 500 and a
    /// `w:EncodingLimit` SOAP fault rendered by the endpoint (every WS-Man client parses a fault body
    /// on 500, while openwsman treats 413 as a transport failure). Streaming routes are not limited.
    public var maxEnvelopeSize: Int

    /// Largest request header block (all names and values), in bytes. Default 16384.
    /// A larger header block is answered 400 by the HTTP decoder and the connection is closed.
    public var maxHeaderSize: Int

    /// Largest number of requests one user may have in progress at once, over all connections.
    /// Default 1500. An excess request gets HTTP 500 with a `w:QuotaLimit` fault from the endpoint
    /// (a 503 would be a transport failure to openwsman and a generic error to the Python clients).
    public var maxConcurrentOperationsPerUser: Int

    /// How long a keep-alive connection may sit between requests before it is closed. Default 120 s.
    public var idleTimeout: Duration

    /// How long a client may take to send one whole `/wsman` request (head and body) once its first
    /// bytes arrived; a client that dribbles (slowloris) is disconnected. Default 30 s.
    /// For streaming routes it bounds the request head only: body pacing belongs to the endpoint.
    public var requestReadTimeout: Duration

    /// How long graceful shutdown waits for in-flight requests before closing their connections.
    /// Default 10 s.
    public var shutdownGracePeriod: Duration

    /// Creates limits; every parameter defaults to the documented default.
    public init(
        maxEnvelopeSize: Int = 512_000,
        maxHeaderSize: Int = 16_384,
        maxConcurrentOperationsPerUser: Int = 1500,
        idleTimeout: Duration = .seconds(120),
        requestReadTimeout: Duration = .seconds(30),
        shutdownGracePeriod: Duration = .seconds(10)
    ) {
        self.maxEnvelopeSize = maxEnvelopeSize
        self.maxHeaderSize = maxHeaderSize
        self.maxConcurrentOperationsPerUser = maxConcurrentOperationsPerUser
        self.idleTimeout = idleTimeout
        self.requestReadTimeout = requestReadTimeout
        self.shutdownGracePeriod = shutdownGracePeriod
    }
}
