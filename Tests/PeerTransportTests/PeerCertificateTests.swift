import Foundation
import Server
import Testing
import WMILabTesting

@testable import PeerTransport

@Suite("Certificate authentication of peer requests over HTTPS")
struct PeerCertificateTests {
    @Test("The handler sees the client certificate's thumbprint and the asserted host name")
    func certificateIdentity() async throws {
        try await withTestCertificates { certificates in
            let handler = RecordingHandler()
            var serverTLS = ServerTLSConfiguration(
                certificatePath: certificates.server.certificate, privateKeyPath: certificates.server.key)
            serverTLS.requestsClientCertificate = true
            try await withPeerHost(handler: handler, tls: serverTLS) { host in
                let clientTLS = PeerClientTLS(
                    certificatePath: certificates.client.certificate, privateKeyPath: certificates.client.key)
                try clientTLS.validate()
                try await withPeerClient(peers: ["WMILAB-HV02=\(host.httpsAddress)"], tls: clientTLS) { client in
                    let reply = try await client.send(
                        to: "WMILAB-HV02", operation: "create-replica", parameters: Array("{}".utf8),
                        body: PatternUpload(total: 3_000_000, chunkSize: 65_536, progress: nil),
                        authentication: .certificate
                    )
                    #expect(String(decoding: reply, as: UTF8.self).hasPrefix(#"{"operation":"create-replica""#))
                    // The shared secret works over HTTPS too, and then the certificate proves nothing.
                    _ = try await client.send(to: "WMILAB-HV02", operation: "ping", parameters: [],
                                              authentication: .sharedSecret)
                }
            }
            let expected = try opensslThumbprint(certificates.client.certificate)
            #expect(expected.count == 40)
            #expect(try PeerCertificate.thumbprint(ofPEMFile: certificates.client.certificate) == expected)
            #expect(handler.requests.map(\.peer) == [
                PeerIdentity(hostName: "WMILAB-HV01", authentication: .certificate, certificateThumbprint: expected),
                PeerIdentity(hostName: "WMILAB-HV01", authentication: .sharedSecret),
            ])
            #expect(handler.requests.first?.bodyBytes == 3_000_000)
            let expectedDigest = await PatternUpload.digest(total: 3_000_000, chunkSize: 65_536)
            #expect(handler.requests.first?.bodyDigest == expectedDigest)
        }
    }

    @Test("Without a client certificate, a request with neither credential gets 401")
    func noClientCertificate() async throws {
        try await withTestCertificates { certificates in
            let handler = RecordingHandler()
            var serverTLS = ServerTLSConfiguration(
                certificatePath: certificates.server.certificate, privateKeyPath: certificates.server.key)
            serverTLS.requestsClientCertificate = true
            try await withPeerHost(handler: handler, tls: serverTLS) { host in
                // A host header over TLS without a certificate proves nothing.
                let httpsPort = try #require(host.server.addresses.https?.port)
                try await TestHTTPConnection.with(port: httpsPort, tls: true) { connection in
                    try await connection.send(TestHTTPConnection.request(
                        path: "/wmilab/replication/v1/ping", headers: [("X-WMILab-Host", "WMILAB-HV01")]))
                    let response = try #require(try await connection.readResponse())
                    #expect(response.status == 401)
                    #expect(response.text.contains("unauthorized"))
                }
                try await withPeerClient(peers: ["WMILAB-HV02=\(host.httpsAddress)"]) { client in
                    let error = await peerError {
                        try await client.send(to: "WMILAB-HV02", operation: "ping", parameters: [],
                                              authentication: .certificate)
                    }
                    #expect(error?.isProtocolError == true)  // refused locally: no client certificate configured
                }
                try await withPeerClient(peers: ["WMILAB-HV02=\(host.httpsAddress)"]) { client in
                    _ = try await client.send(to: "WMILAB-HV02", operation: "ping", parameters: [],
                                              authentication: .sharedSecret)
                }
            }
            #expect(handler.requests.map(\.peer.authentication) == [.sharedSecret])
        }
    }

    @Test("A missing certificate file is reported by validate()")
    func validateReportsMissingFiles() {
        let tls = PeerClientTLS(certificatePath: "no-such-cert.pem", privateKeyPath: "no-such-key.pem")
        #expect(throws: PeerError.self) { try tls.validate() }
    }
}

/// A certificate and its key, as PEM file paths.
struct TestCertificate {
    var certificate: String
    var key: String
}

/// Self-signed certificates for a server host and a client host, made with `openssl` in a temporary directory.
struct TestCertificates {
    var server: TestCertificate
    var client: TestCertificate
}

func withTestCertificates(_ body: (TestCertificates) async throws -> Void) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wmilab-peer-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    func make(_ name: String) throws -> TestCertificate {
        let certificate = directory.appendingPathComponent("\(name).crt").path
        let key = directory.appendingPathComponent("\(name).key").path
        _ = try runOpenSSL([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", certificate, "-days", "2", "-subj", "/CN=\(name)",
        ])
        return TestCertificate(certificate: certificate, key: key)
    }
    try await body(TestCertificates(server: try make("WMILAB-HV02"), client: try make("WMILAB-HV01")))
}

/// The SHA-1 fingerprint `openssl` computes, without colons: an independent check of the thumbprint.
func opensslThumbprint(_ certificatePath: String) throws -> String {
    let output = try runOpenSSL(["x509", "-in", certificatePath, "-noout", "-fingerprint", "-sha1"])
    let value = output.split(separator: "=", maxSplits: 1).last ?? ""
    return value.filter { $0.isHexDigit }.uppercased()
}

struct OpenSSLFailed: Error, CustomStringConvertible {
    var description: String
}

func runOpenSSL(_ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["openssl"] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = Pipe()
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        let command = "openssl \(arguments.joined(separator: " "))"
        throw OpenSSLFailed(description: "\(command) exited \(process.terminationStatus)")
    }
    return String(decoding: data, as: UTF8.self)
}
