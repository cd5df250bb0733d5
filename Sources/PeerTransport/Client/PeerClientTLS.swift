import NIOSSL

/// The client certificate a host presents to HTTPS peers (AuthenticationType 2), as PEM files.
public struct PeerClientTLS: Sendable, Hashable {
    /// Path of the PEM certificate chain (leaf first).
    public var certificatePath: String
    /// Path of the PEM private key (unencrypted).
    public var privateKeyPath: String

    /// Creates a client TLS configuration from two PEM file paths.
    public init(certificatePath: String, privateKeyPath: String) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
    }

    /// Loads both files, so a start-up can report bad TLS material at once rather than on the first request
    /// that needs it.
    public func validate() throws(PeerError) {
        _ = try makeConfiguration()
    }

    /// The client's TLS configuration. Server certificates are not verified: every host of a lab has a
    /// self-signed one, and the peer is identified by the shared secret or by its own client certificate.
    func makeConfiguration() throws(PeerError) -> TLSConfiguration {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
            guard !chain.isEmpty else { throw PeerError.protocolError("no certificate in \(certificatePath)") }
            let key = try NIOSSLPrivateKey(file: privateKeyPath, format: .pem)
            var configuration = Self.anyServer()
            configuration.certificateChain = chain.map { .certificate($0) }
            configuration.privateKey = .privateKey(key)
            return configuration
        } catch let error as PeerError {
            throw error
        } catch {
            throw .protocolError("cannot load the peer client certificate or key: \(error)")
        }
    }

    /// A TLS configuration without client certificate that accepts any server certificate (a lab).
    static func anyServer() -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        configuration.minimumTLSVersion = .tlsv12
        return configuration
    }
}
