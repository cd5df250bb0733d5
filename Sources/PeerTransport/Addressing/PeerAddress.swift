/// Where a replication peer listens: `ADDR:PORT` over HTTP, or HTTPS when `useTLS`.
public struct PeerAddress: Sendable, Hashable, CustomStringConvertible {
    /// The host name or IP address to connect to (an IPv6 address without brackets).
    public var host: String
    /// The TCP port.
    public var port: Int
    /// Whether the peer is reached over HTTPS.
    public var useTLS: Bool

    /// Creates an address.
    public init(host: String, port: Int, useTLS: Bool = false) {
        self.host = host
        self.port = port
        self.useTLS = useTLS
    }

    /// The base URL, e.g. `https://10.0.0.2:5986` or `http://[::1]:5985`.
    public var baseURL: String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "\(useTLS ? "https" : "http")://\(hostPart):\(port)"
    }

    public var description: String { baseURL }
}
