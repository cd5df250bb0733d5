import NIOSSL
import Server

/// Certificate thumbprints as Windows shows them (`CertificateThumbPrint`).
public enum PeerCertificate {
    /// SHA-1 of a certificate's DER bytes, upper-case hex.
    public static func thumbprint(ofDER der: [UInt8]) -> String {
        Digest.upperHex(Digest.sha1(der))
    }

    /// The thumbprint of the first certificate of a PEM file (a host's own certificate, to configure a peer with).
    public static func thumbprint(ofPEMFile path: String) throws(PeerError) -> String {
        do {
            guard let leaf = try NIOSSLCertificate.fromPEMFile(path).first else {
                throw PeerError.protocolError("no certificate in \(path)")
            }
            return thumbprint(ofDER: try leaf.toDERBytes())
        } catch let error as PeerError {
            throw error
        } catch {
            throw .protocolError("cannot read the certificate \(path): \(error)")
        }
    }
}

extension HTTPRequestInfo {
    /// The thumbprint of the TLS client certificate the caller presented (SHA-1 of its DER bytes, upper-case hex),
    /// nil when it presented none.
    public var clientCertificateThumbprint: String? {
        clientCertificate.map(PeerCertificate.thumbprint(ofDER:))
    }
}
