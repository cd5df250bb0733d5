import Foundation
import Logging
import NTLM
import Server
import SeededRandom
import Testing
import WMILabTesting

private let soapType = ("Content-Type", "application/soap+xml;charset=UTF-8")
private let offered = ["Negotiate", "Basic realm=\"WSMAN\""]

/// Echoes like `EchoEndpoint`, and answers a body starting with `<fault` with a SOAP fault (HTTP 500).
private struct FaultingEchoEndpoint: WSManEndpoint {
    func respond(to request: WSManHTTPRequest) async -> WSManHTTPResponse {
        let user = request.user.map { "\($0.name)|\($0.domain ?? "")|\($0.scheme.rawValue)" } ?? "anonymous"
        let type = request.info.headers.first(named: "Content-Type") ?? "-"
        let echo = Array("user=\(user);type=\(type);".utf8) + request.body
        return request.body.starts(with: Array("<fault".utf8)) ? .fault(echo) : .soap(echo)
    }
}

/// The client half of one connection's Negotiate handshake, driven over a `TestHTTPConnection` the way pypsrp
/// and pywinrm do it.
private struct NegotiateClient {
    var initiator: NTLMInitiator
    var session: NTLMSession?

    init(user: String = "labuser", domain: String = "LAB", password: String = "LabPass1!", mode: NTLMInitiator.Mode) {
        initiator = NTLMInitiator(user: user, domain: domain, password: password, mode: mode)
    }

    /// The three legs. `body` is re-sent on every leg (clients without encryption); nil sends the empty setup
    /// request of encrypting clients. Returns the response to the last leg.
    mutating func handshake(
        on connection: TestHTTPConnection, body: [UInt8]? = nil, scheme: String = "Negotiate"
    ) async throws -> TestHTTPResponse {
        let headers = body == nil ? [] : [soapType]
        let payload = body ?? []
        try await connection.send(TestHTTPConnection.request(headers: headers, body: payload))
        let first = try #require(try await connection.readResponse())
        #expect(first.status == 401)
        #expect(first.values(of: "WWW-Authenticate") == offered)

        let negotiate = "\(scheme) " + Data(initiator.negotiate()).base64EncodedString()
        try await connection.send(
            TestHTTPConnection.request(headers: headers + [("Authorization", negotiate)], body: payload))
        let second = try #require(try await connection.readResponse())
        #expect(second.status == 401)
        #expect(second.body.isEmpty)
        let challenge = try #require(second.values(of: "WWW-Authenticate").first)
        #expect(challenge.hasPrefix("\(scheme) "))
        let challengeToken = try #require(Data(base64Encoded: String(challenge.dropFirst(scheme.count + 1))))

        let authenticate = "\(scheme) " + Data(try initiator.respond(to: Array(challengeToken))).base64EncodedString()
        try await connection.send(
            TestHTTPConnection.request(headers: headers + [("Authorization", authenticate)], body: payload))
        let third = try #require(try await connection.readResponse())
        let finalToken = third.values(of: "WWW-Authenticate").first.flatMap { value -> [UInt8]? in
            guard value.hasPrefix("\(scheme) ") else { return nil }
            return Data(base64Encoded: String(value.dropFirst(scheme.count + 1))).map { Array($0) }
        }
        if third.status == 200 { session = try initiator.complete(finalToken: finalToken) }
        return third
    }

    /// The first two legs of a handshake on `connection`; returns the AUTHENTICATE token, not sent.
    mutating func authenticateToken(on connection: TestHTTPConnection) async throws -> [UInt8] {
        let negotiate = "Negotiate " + Data(initiator.negotiate()).base64EncodedString()
        try await connection.send(TestHTTPConnection.request(headers: [("Authorization", negotiate)]))
        let response = try #require(try await connection.readResponse())
        let value = try #require(response.header("WWW-Authenticate"))
        let challenge = try #require(Data(base64Encoded: String(value.dropFirst("Negotiate ".count))))
        return try initiator.respond(to: Array(challenge))
    }

    /// An encrypted request with no `Authorization` header (the connection is authenticated).
    mutating func sealedRequest(_ soap: String) throws -> [UInt8] {
        guard var session else { throw NTLMError.unexpectedToken }
        defer { self.session = session }
        let (body, contentType) = try EncryptedMessage.encode(Array(soap.utf8), session: &session)
        return TestHTTPConnection.request(headers: [("Content-Type", contentType)], body: body)
    }

    /// Decrypts an encrypted response.
    mutating func unseal(_ response: TestHTTPResponse) throws -> String {
        guard var session else { throw NTLMError.unexpectedToken }
        defer { self.session = session }
        let contentType = response.header("Content-Type") ?? ""
        let decoded = try EncryptedMessage.decode(body: response.body, contentType: contentType, session: &session)
        #expect(decoded.originalContentType == "application/soap+xml;charset=UTF-8")
        return String(decoding: decoded.plaintext, as: UTF8.self)
    }
}

/// Keeps the messages a logger was given at debug level and above, with their metadata.
private final class LogRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    var recorded: [String] { lock.withLock { lines } }

    func append(_ line: String) { lock.withLock { lines.append(line) } }

    var logger: Logger {
        var logger = Logger(label: "wmilab.test.negotiate") { _ in Handler(recorder: self) }
        logger.logLevel = .debug
        return logger
    }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var metadataProvider: Logger.MetadataProvider?
        var logLevel: Logger.Level = .debug

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let fields = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            recorder.append("\(event.level) \(event.message) \(fields.joined(separator: " "))")
        }
    }
}

@Suite("Negotiate / NTLM on the server")
struct NegotiateServerTests {
    @Test("encrypting client: empty setup request, then a keep-alive sequence of encrypted requests",
          arguments: [NTLMInitiator.Mode.spnego, .raw])
    func encryptedSequence(mode: NTLMInitiator.Mode) async throws {
        try await InProcessServer.withServer(endpoint: FaultingEchoEndpoint()) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                var client = NegotiateClient(mode: mode)
                let setup = try await client.handshake(on: connection)
                #expect(setup.status == 200)
                #expect(setup.body.isEmpty)
                #expect(setup.header("Content-Length") == "0")
                // SPNEGO's final token carries the server's mechListMIC, which `complete` has verified.
                #expect((setup.header("WWW-Authenticate") != nil) == (mode == .spnego))
                #expect(client.session != nil)

                for index in 1...4 {
                    try await connection.send(try client.sealedRequest("<e>\(index)</e>"))
                    let response = try #require(try await connection.readResponse())
                    #expect(response.status == 200)
                    #expect(response.header("Content-Type") == EncryptedMessage.contentType)
                    #expect(!response.text.contains("<e>"))
                    let plaintext = try client.unseal(response)
                    let type = "application/soap+xml;charset=UTF-8"
                    #expect(plaintext == "user=labuser|LAB|Negotiate;type=\(type);<e>\(index)</e>")
                }
            }
        }
    }

    @Test("a fault to an encrypted request is encrypted too")
    func encryptedFault() async throws {
        try await InProcessServer.withServer(endpoint: FaultingEchoEndpoint()) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                var client = NegotiateClient(mode: .spnego)
                #expect(try await client.handshake(on: connection).status == 200)
                try await connection.send(try client.sealedRequest("<fault/>"))
                let fault = try #require(try await connection.readResponse())
                #expect(fault.status == 500)
                #expect(fault.header("Content-Type") == EncryptedMessage.contentType)
                #expect(try client.unseal(fault).hasSuffix(";<fault/>"))
                // The streams stay in step after it.
                try await connection.send(try client.sealedRequest("<after/>"))
                let next = try #require(try await connection.readResponse())
                #expect(next.status == 200)
                #expect(try client.unseal(next).hasSuffix(";<after/>"))
            }
        }
    }

    @Test("the NTLM scheme is answered in the NTLM scheme")
    func ntlmScheme() async throws {
        try await InProcessServer.withServer(endpoint: FaultingEchoEndpoint()) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                var client = NegotiateClient(mode: .raw)
                #expect(try await client.handshake(on: connection, scheme: "NTLM").status == 200)
                try await connection.send(try client.sealedRequest("<e/>"))
                let response = try #require(try await connection.readResponse())
                #expect(try client.unseal(response).hasSuffix(";<e/>"))
            }
        }
    }

    @Test("client without encryption: the body of the last leg is served, then plaintext on the connection",
          arguments: [NTLMInitiator.Mode.spnego, .raw])
    func plaintext(mode: NTLMInitiator.Mode) async throws {
        try await InProcessServer.withServer(endpoint: FaultingEchoEndpoint()) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                var client = NegotiateClient(user: "LabUser", domain: "", mode: mode)
                let first = try await client.handshake(on: connection, body: Array("<leg/>".utf8))
                #expect(first.status == 200)
                #expect(first.header("Content-Type") == "application/soap+xml;charset=UTF-8")
                let type = "application/soap+xml;charset=UTF-8"
                #expect(first.text == "user=labuser||Negotiate;type=\(type);<leg/>")
                for index in 1...2 {
                    try await connection.send(
                        TestHTTPConnection.request(headers: [soapType], body: Array("<p>\(index)</p>".utf8)))
                    let response = try #require(try await connection.readResponse())
                    #expect(response.status == 200)
                    #expect(response.text == "user=labuser||Negotiate;type=\(type);<p>\(index)</p>")
                }
            }
        }
    }

    @Test("a wrong password or an unknown user is refused with 401; the connection stays usable",
          arguments: [("labuser", "wrong"), ("nobody", "LabPass1!")])
    func wrongPassword(user: String, password: String) async throws {
        try await InProcessServer.withServer(endpoint: FaultingEchoEndpoint()) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                var client = NegotiateClient(user: user, password: password, mode: .spnego)
                let refused = try await client.handshake(on: connection)
                #expect(refused.status == 401)
                #expect(refused.values(of: "WWW-Authenticate") == offered)
                // Nothing sticks to the connection: an unauthenticated request is challenged...
                try await connection.send(TestHTTPConnection.request(headers: [soapType], body: Array("<x/>".utf8)))
                #expect(try await connection.readResponse()?.status == 401)
                // ...and Basic still works on it.
                let basic = ("Authorization", TestHTTPConnection.basicAuthorization("labuser", "LabPass1!"))
                try await connection.send(
                    TestHTTPConnection.request(headers: [basic, soapType], body: Array("<x/>".utf8)))
                let served = try #require(try await connection.readResponse())
                #expect(served.status == 200)
                #expect(served.text.hasPrefix("user=labuser||Basic;"))
            }
        }
    }

    /// Tampering with an encrypted request after a good handshake: the session is out of step, so 400 and close.
    @Test("an encrypted body that does not verify gets 400 and the connection is closed", arguments: [
        "signature", "sealed", "length", "boundary",
    ])
    func badEncryptedBody(tamper: String) async throws {
        try await InProcessServer.withServer(endpoint: FaultingEchoEndpoint()) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                var client = NegotiateClient(mode: .spnego)
                #expect(try await client.handshake(on: connection).status == 200)
                let request = try client.sealedRequest("<tampered>body</tampered>")
                let bytes = Self.tampered(request, how: tamper)
                #expect(bytes != request)
                try await connection.send(bytes)
                let response = try #require(try await connection.readResponse())
                #expect(response.status == 400)
                #expect(response.header("Connection") == "close")
                #expect(try await connection.waitForClose(timeout: .seconds(5)))
            }
            // Others are served meanwhile.
            try await TestHTTPConnection.with(port: server.port) { connection in
                var client = NegotiateClient(mode: .raw)
                #expect(try await client.handshake(on: connection).status == 200)
                try await connection.send(try client.sealedRequest("<ok/>"))
                let response = try #require(try await connection.readResponse())
                #expect(try client.unseal(response).hasSuffix(";<ok/>"))
            }
        }
    }

    private static func tampered(_ request: [UInt8], how: String) -> [UInt8] {
        var bytes = request
        let text = String(decoding: request, as: UTF8.self)
        switch how {
        case "signature", "sealed":
            // The signature follows the octet-stream part's header and its 4-byte length.
            let marker = Array("application/octet-stream\r\n".utf8)
            guard let start = bytes.firstRange(of: marker)?.upperBound else { return bytes }
            let offset = how == "signature" ? start + 4 + 6 : start + 4 + 16 + 3
            bytes[offset] ^= 0x5A
            return bytes
        case "length":
            guard let range = text.range(of: "Length=25") else { return bytes }
            return Array(text.replacingCharacters(in: range, with: "Length=24").utf8)
        default:
            return Array(text.replacingOccurrences(of: "--Encrypted Boundary--", with: "--Encrypted Boundarz--").utf8)
        }
    }

    @Test("an encrypted body on a connection that never authenticated gets 401")
    func encryptedWithoutHandshake() async throws {
        try await InProcessServer.withServer(endpoint: FaultingEchoEndpoint()) { server in
            // Seal with a session authenticated on another connection: this connection has none.
            var client = NegotiateClient(mode: .raw)
            let request = try await TestHTTPConnection.with(port: server.port) { connection in
                #expect(try await client.handshake(on: connection).status == 200)
                return try client.sealedRequest("<stolen/>")
            }
            try await TestHTTPConnection.with(port: server.port) { connection in
                try await connection.send(request)
                let response = try #require(try await connection.readResponse())
                #expect(response.status == 401)
                #expect(response.values(of: "WWW-Authenticate") == offered)
            }
        }
    }

    @Test("hostile Negotiate tokens are refused with 401 and the connection stays usable", arguments: [
        "Negotiate !!!!",
        "Negotiate AAAA",
        "Negotiate " + Data("NTLMSSP\0\u{1}\0\0".utf8).base64EncodedString(),
        "Negotiate " + Data([0x60, 0x82, 0xFF, 0xFF, 0x06]).base64EncodedString(),
        "NTLM " + Data(repeating: 0x41, count: 9000).base64EncodedString(),
        "Negotiate",
    ])
    func hostileToken(authorization: String) async throws {
        try await InProcessServer.withServer(endpoint: FaultingEchoEndpoint()) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                try await connection.send(
                    TestHTTPConnection.request(headers: [("Authorization", authorization), soapType], body: [0x3C]))
                let response = try #require(try await connection.readResponse())
                #expect(response.status == 401)
                #expect(response.values(of: "WWW-Authenticate") == offered)
                var client = NegotiateClient(mode: .spnego)
                #expect(try await client.handshake(on: connection).status == 200)
            }
        }
    }

    @Test("a token beyond the header limit ends the connection; others are still served")
    func oversizedToken() async throws {
        try await InProcessServer.withServer(endpoint: FaultingEchoEndpoint()) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                let huge = "Negotiate " + Data(repeating: 0x42, count: 30_000).base64EncodedString()
                try await connection.send(TestHTTPConnection.request(headers: [("Authorization", huge)]))
                let response = try await connection.readResponse()
                #expect(response?.status != 200 && response?.status != 401)
                #expect(try await connection.waitForClose(timeout: .seconds(5)))
            }
            try await TestHTTPConnection.with(port: server.port) { connection in
                var client = NegotiateClient(mode: .spnego)
                let status = try await client.handshake(on: connection).status
                #expect(status == 200)
            }
        }
    }

    @Test("MaxEnvelopeSize applies to the encrypted body as received")
    func envelopeLimit() async throws {
        let configure: (inout ServerConfiguration) -> Void = { $0.limits.maxEnvelopeSize = 600 }
        try await InProcessServer.withServer(endpoint: FaultingEchoEndpoint(), configure: configure) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                var client = NegotiateClient(mode: .spnego)
                #expect(try await client.handshake(on: connection).status == 200)
                // 500 bytes of SOAP fit, but not once framed and sealed (about 200 bytes more).
                let soap = "<e>" + String(repeating: "x", count: 493) + "</e>"
                let request = try client.sealedRequest(soap)
                try await connection.send(request)
                let response = try #require(try await connection.readResponse())
                #expect(response.status == 500)
                #expect(response.text.contains("w:EncodingLimit"))
                #expect(response.header("Connection") == "close")
            }
        }
    }

    @Test("Basic clients are served alongside Negotiate ones")
    func basicAlongside() async throws {
        try await InProcessServer.withServer(endpoint: FaultingEchoEndpoint()) { server in
            try await TestHTTPConnection.with(port: server.port) { negotiating in
                var client = NegotiateClient(mode: .spnego)
                #expect(try await client.handshake(on: negotiating).status == 200)
                try await TestHTTPConnection.with(port: server.port) { basic in
                    let auth = ("Authorization", TestHTTPConnection.basicAuthorization("labuser", "LabPass1!"))
                    let request = TestHTTPConnection.request(headers: [auth, soapType], body: Array("<b/>".utf8))
                    try await basic.send(request)
                    let response = try #require(try await basic.readResponse())
                    #expect(response.text.hasPrefix("user=labuser||Basic;"))
                    // A connection never authenticated with Negotiate gets nothing from the other one.
                    try await basic.send(TestHTTPConnection.request(headers: [soapType], body: Array("<b/>".utf8)))
                    #expect(try await basic.readResponse()?.status == 401)
                }
                try await negotiating.send(try client.sealedRequest("<n/>"))
                let response = try #require(try await negotiating.readResponse())
                #expect(try client.unseal(response).hasSuffix(";<n/>"))
            }
        }
    }

    @Test("the server's NTLM names come from the host name")
    func hostName() async throws {
        let configure: (inout ServerConfiguration) -> Void = { $0.hostName = "Lab-HV07" }
        try await InProcessServer.withServer(endpoint: FaultingEchoEndpoint(), configure: configure) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                var initiator = NTLMInitiator(user: "labuser", domain: "", password: "LabPass1!", mode: .raw)
                let negotiate = "Negotiate " + Data(initiator.negotiate()).base64EncodedString()
                try await connection.send(TestHTTPConnection.request(headers: [("Authorization", negotiate)]))
                let response = try #require(try await connection.readResponse())
                let value = try #require(response.header("WWW-Authenticate"))
                let token = try #require(Data(base64Encoded: String(value.dropFirst("Negotiate ".count))))
                // The CHALLENGE's TargetName and AV pairs are UTF-16LE.
                let text = String(decoding: token, as: UTF8.self).replacingOccurrences(of: "\0", with: "")
                #expect(text.contains("LAB-HV07"))
                #expect(text.contains("lab-hv07"))
            }
        }
    }

    @Test("refusals leave a debug line saying why")
    func refusalsAreLogged() async throws {
        let recorder = LogRecorder()
        try await InProcessServer.withServer(endpoint: FaultingEchoEndpoint(), logger: recorder.logger) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                try await connection.send(
                    TestHTTPConnection.request(headers: [("Authorization", "Negotiate AAAA"), soapType], body: [0x3C]))
                #expect(try await connection.readResponse()?.status == 401)
                var wrong = NegotiateClient(password: "wrong", mode: .raw)
                #expect(try await wrong.handshake(on: connection).status == 401)
                var client = NegotiateClient(mode: .raw)
                #expect(try await client.handshake(on: connection).status == 200)
                try await connection.send(Self.tampered(try client.sealedRequest("<x/>"), how: "signature"))
                #expect(try await connection.readResponse()?.status == 400)
            }
        }
        let lines = recorder.recorded.filter { $0.contains("negotiate:") }
        #expect(lines.contains { $0.contains("authentication refused") && $0.contains("malformed token") })
        #expect(lines.contains { $0.contains("authentication refused") && $0.contains("logon failure") })
        #expect(lines.contains { $0.contains("request refused, connection closed") && $0.contains("signature") })
        #expect(lines.allSatisfy { $0.hasPrefix("debug ") && $0.contains("peer=127.0.0.1:") })
    }

    @Test("the per-user operation gate counts Negotiate requests with Basic ones; the setup request takes no slot")
    func operationGate() async throws {
        let endpoint = BlockingEndpoint()
        let configure: (inout ServerConfiguration) -> Void = { $0.limits.maxConcurrentOperationsPerUser = 1 }
        try await InProcessServer.withServer(endpoint: endpoint, configure: configure) { server in
            try await withThrowingTaskGroup(of: String.self) { group in
                group.addTask {
                    try await TestHTTPConnection.with(port: server.port) { connection in
                        var client = NegotiateClient(mode: .spnego)
                        _ = try await client.handshake(on: connection)
                        try await connection.send(try client.sealedRequest("<hold/>"))
                        let response = try #require(try await connection.readResponse())
                        return "\(response.status) \(try client.unseal(response))"
                    }
                }
                await endpoint.waitForArrivals(1)
                try await TestHTTPConnection.with(port: server.port) { connection in
                    let auth = ("Authorization", TestHTTPConnection.basicAuthorization("labuser", "LabPass1!"))
                    try await connection.send(
                        TestHTTPConnection.request(headers: [auth, soapType], body: Array("<b/>".utf8)))
                    let response = try #require(try await connection.readResponse())
                    #expect(response.status == 500)
                    #expect(response.text.contains("w:QuotaLimit"))
                }
                try await TestHTTPConnection.with(port: server.port) { connection in
                    var client = NegotiateClient(mode: .raw)
                    let setup = try await client.handshake(on: connection)
                    #expect(setup.status == 200)
                    try await connection.send(try client.sealedRequest("<n/>"))
                    let response = try #require(try await connection.readResponse())
                    #expect(response.status == 500)
                    #expect(response.header("Content-Type") == EncryptedMessage.contentType)
                    #expect(try client.unseal(response).contains("w:QuotaLimit"))
                }
                await endpoint.release.open()
                for try await result in group { #expect(result == "200 done") }
            }
        }
    }

    @Test("tampered AUTHENTICATE tokens are all refused, on one connection that stays usable",
          arguments: [NTLMInitiator.Mode.spnego, .raw])
    func mutatedAuthenticate(mode: NTLMInitiator.Mode) async throws {
        try await InProcessServer.withServer(endpoint: FaultingEchoEndpoint()) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                var rng = SplitMix64(state: mode == .spnego ? 11 : 12)
                for _ in 0..<40 {
                    var client = NegotiateClient(mode: mode)
                    var token = try await client.authenticateToken(on: connection)
                    switch rng.next() % 3 {
                    case 0:  // flip one byte
                        token[Int(rng.next() % UInt64(token.count))] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
                    case 1:  // truncate
                        token.removeLast(1 + Int(rng.next() % UInt64(token.count - 1)))
                    default:  // overwrite a run with random bytes
                        let start = Int(rng.next() % UInt64(token.count))
                        for index in start..<min(token.count, start + 8) {
                            let byte = UInt8(truncatingIfNeeded: rng.next())
                            token[index] = byte == token[index] ? ~byte : byte
                        }
                    }
                    let header = "Negotiate " + Data(token).base64EncodedString()
                    try await connection.send(TestHTTPConnection.request(headers: [("Authorization", header)]))
                    let response = try #require(try await connection.readResponse())
                    #expect(response.status == 401)
                    #expect(response.values(of: "WWW-Authenticate") == offered)
                }
                var client = NegotiateClient(mode: mode)
                let status = try await client.handshake(on: connection).status
                #expect(status == 200)
            }
        }
    }
}

