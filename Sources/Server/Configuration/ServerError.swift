/// A configuration or start-up error of the HTTP server.
public struct ServerError: Error, Hashable, CustomStringConvertible {
    private enum Kind: Hashable {
        case invalidAddress
        case invalidUser
        case missingTLSCertificate
        case invalidTLSMaterial
        case invalidRoute
    }

    private let kind: Kind
    /// What was wrong, for people.
    public let message: String

    private init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// A listen address that is not `HOST:PORT`.
    public static func invalidAddress(_ text: String) -> ServerError {
        ServerError(.invalidAddress, "invalid listen address '\(text)': expected HOST:PORT, e.g. 127.0.0.1:5985")
    }

    /// A `--user` value that is not `NAME:PASSWORD` with a non-empty name.
    public static func invalidUser(_ reason: String) -> ServerError {
        ServerError(.invalidUser, "invalid user: \(reason); expected NAME:PASSWORD")
    }

    /// An HTTPS listener was asked for without a certificate and private key.
    public static var missingTLSCertificate: ServerError {
        ServerError(
            .missingTLSCertificate,
            "an HTTPS listener needs a PEM certificate and a PEM private key; none is generated"
        )
    }

    /// The certificate or key could not be loaded.
    public static func invalidTLSMaterial(_ reason: String) -> ServerError {
        ServerError(.invalidTLSMaterial, "cannot load the TLS certificate or key: \(reason)")
    }

    /// A streaming route that clashes with `/wsman` or does not start with `/`.
    public static func invalidRoute(_ prefix: String) -> ServerError {
        ServerError(.invalidRoute, "invalid streaming route '\(prefix)': must start with / and not cover /wsman")
    }

    public var description: String { message }

    public static func == (lhs: ServerError, rhs: ServerError) -> Bool { lhs.kind == rhs.kind }
    public func hash(into hasher: inout Hasher) { hasher.combine(kind) }
}
