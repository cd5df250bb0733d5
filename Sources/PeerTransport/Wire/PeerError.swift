/// A refusal or failure of a peer request. It crosses the wire unchanged: what a handler throws on one host is
/// what `PeerClient.send` throws on the other.
public struct PeerError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Hashable {
        case refused(code: UInt32)
        case unreachable(host: String)
        case unauthorized
        case protocolError
    }

    private let kind: Kind
    /// What happened, for people (and for a job's `ErrorDescription`).
    public let message: String

    private init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The handler refused the request; `code` is a WMI return code (e.g. 32769 Access denied, 32775 Invalid
    /// state) that the caller turns into a job error.
    public static func refused(code: UInt32, _ message: String) -> PeerError {
        PeerError(.refused(code: code), message)
    }

    /// The peer cannot be reached: no address for it, connection refused or dropped, or a lab link fault.
    public static func unreachable(host: String, _ reason: String? = nil) -> PeerError {
        let because = reason.map { ": \($0)" } ?? ""
        return PeerError(.unreachable(host: host), "the replication peer \(host) cannot be reached\(because)")
    }

    /// The peer did not accept this host's credentials.
    public static var unauthorized: PeerError {
        unauthorized("the replication peer refused this host's credentials")
    }

    /// The peer did not accept this host's credentials, for the reason given.
    public static func unauthorized(_ message: String) -> PeerError {
        PeerError(.unauthorized, message)
    }

    /// A request or reply that does not follow the peer protocol, or a transport misconfiguration.
    public static func protocolError(_ message: String) -> PeerError {
        PeerError(.protocolError, message)
    }

    /// The WMI return code of a refusal, nil for the other kinds.
    public var code: UInt32? {
        if case .refused(let code) = kind { return code }
        return nil
    }

    /// Whether the peer could not be reached (as opposed to refusing).
    public var isUnreachable: Bool {
        if case .unreachable = kind { return true }
        return false
    }

    /// The host that could not be reached, for `isUnreachable` errors.
    public var unreachableHost: String? {
        if case .unreachable(let host) = kind { return host }
        return nil
    }

    /// Whether the peer refused the credentials.
    public var isUnauthorized: Bool { kind == .unauthorized }

    /// Whether the request or reply broke the protocol.
    public var isProtocolError: Bool { kind == .protocolError }

    public var description: String {
        switch kind {
        case .refused(let code): "\(message) (return code \(code))"
        case .unreachable, .unauthorized, .protocolError: message
        }
    }

    // MARK: Wire form

    /// The error as the endpoint sends it: an HTTP status and the JSON `{error, code, message, host}`.
    var wireForm: (status: Int, body: PeerWireError) {
        switch kind {
        case .refused(let code): (409, PeerWireError(error: "refused", code: code, message: message, host: nil))
        case .unreachable(let host):
            (502, PeerWireError(error: "unreachable", code: nil, message: message, host: host))
        case .unauthorized: (401, PeerWireError(error: "unauthorized", code: nil, message: message, host: nil))
        case .protocolError: (400, PeerWireError(error: "protocol", code: nil, message: message, host: nil))
        }
    }

    /// The error a client rebuilds from an error reply (`status`, and the JSON when it parsed).
    init(status: Int, wire: PeerWireError?) {
        let message = wire?.message ?? ""
        switch (wire?.error, wire?.code) {
        case ("refused", let code?): self.init(.refused(code: code), message)
        case ("unreachable", _): self.init(.unreachable(host: wire?.host ?? "?"), message)
        case ("unauthorized", _): self.init(.unauthorized, message)
        case ("protocol", _): self.init(.protocolError, message)
        default:
            if status == 401 {
                self.init(.unauthorized, "the replication peer refused this host's credentials")
            } else {
                let detail = message.isEmpty ? "" : ": \(message)"
                self.init(.protocolError, "the replication peer answered HTTP \(status)\(detail)")
            }
        }
    }
}

/// The JSON body of an error reply.
struct PeerWireError: Codable, Hashable {
    /// `refused`, `unreachable`, `unauthorized` or `protocol`.
    var error: String
    /// The WMI return code of a refusal.
    var code: UInt32?
    var message: String
    /// The unreachable host, for `unreachable`.
    var host: String?
}
