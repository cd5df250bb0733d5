import NIOCore
import NIOSSL

/// The certificate chain and private key of the HTTPS listener, both PEM files. None is ever generated.
public struct ServerTLSConfiguration: Sendable, Hashable {
    /// Path of the PEM certificate chain (leaf first).
    public var certificatePath: String
    /// Path of the PEM private key (unencrypted).
    public var privateKeyPath: String
    /// Whether HTTPS clients are asked for a certificate. Any certificate is accepted (a lab's are
    /// self-signed) and none is required: whoever serves the request decides what it proves, from
    /// `HTTPRequestInfo.clientCertificate`. Default false.
    public var requestsClientCertificate: Bool = false

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
            if requestsClientCertificate {
                // Ask for a certificate without requiring one; `acceptAnyCertificate` verifies it.
                configuration.certificateVerification = .optionalVerification
                configuration.trustRoots = .certificates([])
            }
            return try NIOSSLContext(configuration: configuration)
        } catch let error as ServerError {
            throw error
        } catch {
            throw .invalidTLSMaterial(String(describing: error))
        }
    }
}

extension ServerTLSConfiguration {
    /// Accepts whatever client certificate is presented: lab certificates are self-signed, and the
    /// streaming endpoint that cares (host-to-host replication) checks the thumbprint itself.
    static func acceptAnyCertificate(
        _ certificates: [NIOSSLCertificate], _ promise: EventLoopPromise<NIOSSLVerificationResult>
    ) {
        promise.succeed(.certificateVerified)
    }
}
