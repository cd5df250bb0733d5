import NIOCore
import NIOSSL

extension HTTPConnectionHandler {
    /// The DER bytes of the leaf certificate the TLS client presented, if any.
    static func clientCertificate(of channel: any Channel) async -> [UInt8]? {
        guard let certificate = try? await channel.nioSSL_peerCertificate().get() else { return nil }
        return try? certificate.toDERBytes()
    }
}
