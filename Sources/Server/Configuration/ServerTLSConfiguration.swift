import NIOSSL

/// The certificate chain and private key of the HTTPS listener, both PEM files. None is ever generated.
public struct ServerTLSConfiguration: Sendable, Hashable {
    /// Path of the PEM certificate chain (leaf first).
    public var certificatePath: String
    /// Path of the PEM private key (unencrypted).
    public var privateKeyPath: String

    /// Creates a TLS configuration from two PEM file paths.
    public init(certificatePath: String, privateKeyPath: String) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
    }

    func makeContext() throws(ServerError) -> NIOSSLContext {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
            guard !chain.isEmpty else { throw ServerError.invalidTLSMaterial("no certificate in \(certificatePath)") }
            let key = try NIOSSLPrivateKey(file: privateKeyPath, format: .pem)
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain.map { .certificate($0) },
                privateKey: .privateKey(key)
            )
            configuration.minimumTLSVersion = .tlsv12
            return try NIOSSLContext(configuration: configuration)
        } catch let error as ServerError {
            throw error
        } catch {
            throw .invalidTLSMaterial(String(describing: error))
        }
    }
}
