/// A `HOST:PORT` to listen on; IPv6 hosts are written in brackets (`[::1]:5985`).
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// Host name or IP address literal (without brackets).
    public var host: String
    /// TCP port; 0 asks the system for a free one.
    public var port: Int

    /// Creates an address from its parts.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT` or `[IPV6]:PORT`.
    public init(parsing text: String) throws(ServerError) {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw .invalidAddress(text) }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw .invalidAddress(text) }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw .invalidAddress(text) }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") { throw .invalidAddress(text) }
        }
        guard !host.isEmpty, let port = Int(portText), (0...65535).contains(port) else {
            throw .invalidAddress(text)
        }
        self.init(host: String(host), port: port)
    }

    /// The default WinRM HTTP listener, `127.0.0.1:5985`.
    public static let defaultHTTP = ListenAddress(host: "127.0.0.1", port: 5985)

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
