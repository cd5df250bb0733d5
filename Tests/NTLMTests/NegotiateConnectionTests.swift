import Foundation
import Testing

@testable import NTLM

/// Every captured request of the NTLM clients, in capture order, through one `NegotiateConnection`.
@Suite struct NegotiateConnectionTests {
    static let configuration = NTLMAcceptor.Configuration(
        users: WireFixtures.users, computerName: "WMILAB", domainName: "LAB")

    @Test(arguments: CapturedHandshakeTests.labels)
    func capturedConversation(label: String) throws {
        let handshake = try WireFixtures.handshake(label)
        var connection = NegotiateConnection(configuration: Self.configuration)
        connection.acceptor.challengeOverride = handshake.challengeMessage
        let entries = try WireFixtures.manifest().filter { $0.client == label }.sorted { $0.seq < $1.seq }
        var served = 0
        for entry in entries {
            let authorization = try WireFixtures.header("Authorization", in: "\(entry.file).headers")
            let contentType = try WireFixtures.header("Content-Type", in: "\(entry.file).headers")
            let length = try WireFixtures.header("Content-Length", in: "\(entry.file).headers")
            let body =
                entry.encrypted
                ? try WireFixtures.bytes("encrypted/\(entry.name).request.bin")
                : length == "0" ? [] : try WireFixtures.bytes("\(entry.file).xml")
            let capturedAuthenticate = try WireFixtures.header("WWW-Authenticate", in: entry.responseHeaders)

            switch connection.receive(authorization: authorization, contentType: contentType, body: body) {
            case .challenge(let value):
                #expect(entry.status == 401, "\(entry.file)")
                let ours = try #require(try NegotiateAuthorization(authorization: value))
                let capturedValue = try #require(capturedAuthenticate)
                let theirs = try #require(try NegotiateAuthorization(authorization: capturedValue))
                #expect(ours.scheme == theirs.scheme)
                #expect(
                    WireFixtures.Handshake.unwrapNTLM(ours.token) == WireFixtures.Handshake.unwrapNTLM(theirs.token))
            case .unauthorized(let error):
                #expect(entry.status == 401, "\(entry.file)")
                #expect(error == nil)
                #expect(capturedAuthenticate == "Negotiate")
            case .serve(let request):
                served += 1
                #expect(entry.status == 200, "\(entry.file)")
                #expect(request.identity.userName == "labuser")
                // The final SPNEGO token byte for byte as the capture server sent it; nothing for raw NTLM.
                #expect(request.wwwAuthenticate == capturedAuthenticate, "\(entry.file)")
                #expect(request.encryptResponse == entry.encrypted)
                let plaintext = length == "0" ? [] : try WireFixtures.bytes("\(entry.file).xml")
                #expect(request.body == plaintext, "\(entry.file)")
                guard entry.encrypted else { continue }
                let (sealed, sealedType) = try connection.sealResponse(try WireFixtures.bytes(entry.responseXML))
                #expect(sealedType == (try WireFixtures.header("Content-Type", in: entry.responseHeaders)))
                let capturedBody = WireFixtures.root.appendingPathComponent("encrypted/\(entry.name).response.bin")
                if FileManager.default.fileExists(atPath: capturedBody.path) {
                    #expect(sealed == (try WireFixtures.bytes("encrypted/\(entry.name).response.bin")), "\(entry.file)")
                }
            case .notNegotiate, .refuse:
                Issue.record("\(entry.file): unexpected action")
            }
        }
        #expect(served >= 1)
    }

    @Test func basicIsNotOurs() {
        var connection = NegotiateConnection(configuration: Self.configuration)
        guard
            case .notNegotiate = connection.receive(
                authorization: "Basic bGFidXNlcjpMYWJQYXNzMSE=", contentType: nil, body: [])
        else {
            Issue.record("Basic must be left to the server")
            return
        }
    }

    @Test func plaintextRefusedWhenUnencryptedIsNotAllowed() throws {
        var connection = NegotiateConnection(configuration: Self.configuration, allowUnencrypted: false)
        var client = NTLMInitiator(user: "labuser", domain: "LAB", password: "LabPass1!", mode: .raw)
        guard
            case .challenge(let value) = connection.receive(
                authorization: NegotiateAuthorization.wwwAuthenticate(token: client.negotiate()), contentType: nil,
                body: []),
            let challenge = try NegotiateAuthorization(authorization: value)
        else {
            Issue.record("no challenge")
            return
        }
        let authenticate = NegotiateAuthorization.wwwAuthenticate(token: try client.respond(to: challenge.token))
        // The setup request (empty body) is fine…
        guard case .serve(let setup) = connection.receive(authorization: authenticate, contentType: nil, body: [])
        else {
            Issue.record("setup request not served")
            return
        }
        #expect(setup.body.isEmpty)
        var session = try client.complete(finalToken: nil)
        // …an encrypted request is served…
        let soap = Array("<s:Envelope/>".utf8)
        let (body, type) = try EncryptedMessage.encode(soap, session: &session)
        guard case .serve(let request) = connection.receive(authorization: nil, contentType: type, body: body) else {
            Issue.record("encrypted request not served")
            return
        }
        #expect(request.body == soap)
        #expect(request.encryptResponse)
        // …plaintext is refused, and the connection is no longer authenticated.
        guard
            case .refuse(let error) = connection.receive(
                authorization: nil, contentType: "application/soap+xml;charset=UTF-8", body: soap)
        else {
            Issue.record("plaintext not refused")
            return
        }
        #expect(error == .unsupported)
        #expect(connection.identity == nil)
        guard case .unauthorized(nil) = connection.receive(authorization: nil, contentType: nil, body: []) else {
            Issue.record("connection still authenticated")
            return
        }
    }

    @Test func unauthenticatedAndMalformed() {
        var connection = NegotiateConnection(configuration: Self.configuration)
        guard case .unauthorized(nil) = connection.receive(authorization: nil, contentType: nil, body: []) else {
            Issue.record("no credentials must be unauthorized")
            return
        }
        guard
            case .unauthorized(let error?) = connection.receive(
                authorization: "Negotiate !!!", contentType: nil, body: [])
        else {
            Issue.record("bad base64 must be unauthorized")
            return
        }
        #expect(error == .malformedToken)
        #expect(throws: NTLMError.unexpectedToken) { try connection.sealResponse([1, 2, 3]) }
    }
}
