import Foundation
import Server
import Testing
import WMILabTesting

@testable import PeerTransport

@Suite("Shared-secret authentication of peer requests")
struct PeerAuthenticationTests {
    @Test("A wrong secret gets 401 and the handler never runs")
    func wrongSecret() async throws {
        let handler = RecordingHandler()
        try await withPeerHost(handler: handler) { host in
            try await withPeerClient(secret: "not-the-lab-secret", peers: ["WMILAB-HV02=\(host.address)"]) { client in
                let error = await peerError {
                    try await client.send(to: "WMILAB-HV02", operation: "create-replica", parameters: Array("{}".utf8),
                                          authentication: .sharedSecret)
                }
                #expect(error?.isUnauthorized == true)
                #expect(error?.message == "the request signature does not match")
                // With an upload under way too: the refusal, not a transport error, reaches the caller.
                let streaming = await peerError {
                    try await client.send(to: "WMILAB-HV02", operation: "apply-stream", parameters: [],
                                          body: PatternUpload(total: 2 << 20, chunkSize: 64 * 1024, progress: nil),
                                          authentication: .sharedSecret)
                }
                #expect(streaming?.isUnauthorized == true)
            }
        }
        #expect(handler.requests.isEmpty)
    }

    @Test("A timestamp more than 5 minutes off gets 401", arguments: [-330, 330, -3600])
    func staleTimestamp(offset: Int64) async throws {
        let handler = RecordingHandler()
        try await withPeerHost(handler: handler) { host in
            try await withPeerClient(peers: ["WMILAB-HV02=\(host.address)"], now: { currentUnixTime() + offset }) {
                client in
                let error = await peerError {
                    try await client.send(to: "WMILAB-HV02", operation: "ping", parameters: [],
                                          authentication: .sharedSecret)
                }
                #expect(error?.isUnauthorized == true)
                #expect(error?.message.contains("timestamp") == true)
            }
        }
        #expect(handler.requests.isEmpty)
    }

    @Test("A timestamp a little off is accepted")
    func smallSkew() async throws {
        let handler = RecordingHandler()
        try await withPeerHost(handler: handler) { host in
            try await withPeerClient(peers: ["WMILAB-HV02=\(host.address)"], now: { currentUnixTime() - 240 }) {
                client in
                _ = try await client.send(to: "WMILAB-HV02", operation: "ping", parameters: [],
                                          authentication: .sharedSecret)
            }
        }
        #expect(handler.requests.count == 1)
    }

    @Test("A replayed request gets 401 and the handler runs once")
    func replayedNonce() async throws {
        let handler = RecordingHandler()
        try await withPeerHost(handler: handler) { host in
            let parameters = Array(#"{"vm":"app01"}"#.utf8)
            let signature = PeerSignature.sign(
                secret: PeerEndpoint.defaultSecret, hostName: "WMILAB-HV01", targetHost: "WMILAB-HV02",
                timestamp: currentUnixTime(), nonce: PeerSignature.makeNonce(), operation: "start",
                parameters: parameters
            )
            let request = TestHTTPConnection.request(
                path: "/wmilab/replication/v1/start",
                headers: [
                    ("Authorization", signature.headerValue), ("X-WMILab-Parameters-Length", "\(parameters.count)"),
                ],
                body: parameters + Array("upload".utf8)
            )
            try await TestHTTPConnection.with(port: host.server.port) { connection in
                try await connection.send(request)
                let first = try #require(try await connection.readResponse())
                #expect(first.status == 200)
                try await connection.send(request)
                let second = try #require(try await connection.readResponse())
                #expect(second.status == 401)
                #expect(second.header("WWW-Authenticate") == "WMILab-HMAC")
                #expect(second.text.contains("replayed"))
            }
            // On another connection too.
            try await TestHTTPConnection.with(port: host.server.port) { connection in
                try await connection.send(request)
                #expect(try await connection.readResponse()?.status == 401)
            }
        }
        #expect(handler.requests.count == 1)
        #expect(handler.requests.first?.parameters == Array(#"{"vm":"app01"}"#.utf8))
        #expect(handler.requests.first?.bodyBytes == 6)
    }

    @Test("A signature for other parameters, operation or host gets 401")
    func tamperedRequests() async throws {
        let handler = RecordingHandler()
        try await withPeerHost(handler: handler) { host in
            let signed = Array(#"{"vm":"app01"}"#.utf8)
            func attempt(operation: String, parameters: [UInt8], target: String) async throws -> Int? {
                let signature = PeerSignature.sign(
                    secret: PeerEndpoint.defaultSecret, hostName: "WMILAB-HV01", targetHost: target,
                    timestamp: currentUnixTime(), nonce: PeerSignature.makeNonce(), operation: "start",
                    parameters: signed
                )
                return try await TestHTTPConnection.with(port: host.server.port) { connection in
                    try await connection.send(TestHTTPConnection.request(
                        path: "/wmilab/replication/v1/\(operation)",
                        headers: [("Authorization", signature.headerValue),
                                  ("X-WMILab-Parameters-Length", "\(parameters.count)")],
                        body: parameters
                    ))
                    return try await connection.readResponse()?.status
                }
            }
            let otherParameters = try await attempt(
                operation: "start", parameters: Array(#"{"vm":"db01"}"#.utf8), target: "WMILAB-HV02")
            let otherOperation = try await attempt(operation: "stop", parameters: signed, target: "WMILAB-HV02")
            let otherHost = try await attempt(operation: "start", parameters: signed, target: "WMILAB-HV03")
            let fqdn = try await attempt(operation: "start", parameters: signed, target: "wmilab-hv02.lab.local")
            #expect(otherParameters == 401)
            #expect(otherOperation == 401)
            #expect(otherHost == 401)
            #expect(fqdn == 200)
        }
        #expect(handler.requests.count == 1)
    }

    @Test("Requests without credentials, or with WS-Man Basic credentials, get 401")
    func noCredentials() async throws {
        let handler = RecordingHandler()
        try await withPeerHost(handler: handler) { host in
            try await TestHTTPConnection.with(port: host.server.port) { connection in
                try await connection.send(TestHTTPConnection.request(path: "/wmilab/replication/v1/start"))
                let response = try #require(try await connection.readResponse())
                #expect(response.status == 401)
                let wire = try JSONDecoder().decode(PeerWireError.self, from: Data(response.body))
                #expect(wire.error == "unauthorized")
                try await connection.send(TestHTTPConnection.request(
                    path: "/wmilab/replication/v1/start",
                    headers: [("Authorization", TestHTTPConnection.basicAuthorization("labuser", "LabPass1!"))]
                ))
                #expect(try await connection.readResponse()?.status == 401)
                // /wsman on the same server still wants Basic.
                try await connection.send(TestHTTPConnection.request(
                    headers: [("Content-Type", "application/soap+xml")], body: Array("<x/>".utf8)))
                #expect(try await connection.readResponse()?.status == 401)
            }
        }
        #expect(handler.requests.isEmpty)
    }

    @Test("Malformed requests get a JSON error, not a crash", arguments: [
        ("/wmilab/replication/v1/", "0", 404),
        ("/wmilab/replication/v1/bad%20name", "0", 404),
        ("/wmilab/replication/v2/start", "0", 404),
        ("/wmilab/replication/v1/start", "-1", 400),
        ("/wmilab/replication/v1/start", "65537", 400),
        ("/wmilab/replication/v1/start", "twelve", 400),
    ])
    func malformed(path: String, length: String, status: Int) async throws {
        let handler = RecordingHandler()
        try await withPeerHost(handler: handler) { host in
            try await TestHTTPConnection.with(port: host.server.port) { connection in
                try await connection.send(TestHTTPConnection.request(
                    path: path, headers: [("X-WMILab-Parameters-Length", length)]))
                let response = try #require(try await connection.readResponse())
                #expect(response.status == status)
                #expect(response.header("Content-Type") == "application/json")
            }
        }
        #expect(handler.requests.isEmpty)
    }

    @Test("A body shorter than its declared parameters is a protocol error")
    func shortParameters() async throws {
        let handler = RecordingHandler()
        try await withPeerHost(handler: handler) { host in
            let signature = PeerSignature.sign(
                secret: PeerEndpoint.defaultSecret, hostName: "WMILAB-HV01", targetHost: "WMILAB-HV02",
                timestamp: currentUnixTime(), nonce: PeerSignature.makeNonce(), operation: "start", parameters: []
            )
            try await TestHTTPConnection.with(port: host.server.port) { connection in
                try await connection.send(TestHTTPConnection.request(
                    path: "/wmilab/replication/v1/start",
                    headers: [("Authorization", signature.headerValue), ("X-WMILab-Parameters-Length", "100")],
                    body: Array("short".utf8)
                ))
                #expect(try await connection.readResponse()?.status == 400)
            }
        }
        #expect(handler.requests.isEmpty)
    }

    @Test("Signature headers round-trip and reject malformed values")
    func signatureHeader() throws {
        let signature = PeerSignature.sign(
            secret: "s", hostName: "WMILAB-HV01", targetHost: "WMILAB-HV02", timestamp: 1_763_700_000,
            nonce: "00112233445566778899aabbccddeeff", operation: "start", parameters: Array("{}".utf8)
        )
        #expect(PeerSignature(headerValue: signature.headerValue) == signature)
        #expect(signature.isValid(secret: "s", operation: "start", parameters: Array("{}".utf8)))
        #expect(!signature.isValid(secret: "t", operation: "start", parameters: Array("{}".utf8)))
        #expect(PeerSignature(headerValue: "Basic bGFidXNlcjpMYWJQYXNzMSE=") == nil)
        #expect(PeerSignature(headerValue: "WMILab-HMAC host=\"A\"") == nil)
        #expect(PeerSignature(headerValue: signature.headerValue.replacingOccurrences(of: "1763700000", with: "x"))
            == nil)
        #expect(PeerSignature(headerValue: signature.headerValue + ", host=\"B\"") == nil)
    }

    @Test("HMAC-SHA256 matches RFC 4231 test case 2")
    func hmacVector() {
        let mac = Digest.hmacSHA256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(Digest.lowerHex(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }
}
