import Foundation
import SeededRandom
import Testing

@testable import NTLM

/// pyspnego (the NTLM client inside pypsrp and pywinrm) against wmilab's own acceptor, recorded by
/// Fixtures/make_pyspnego_vectors.py: it answered our CHALLENGE, verified our final SPNEGO token and decrypted
/// what our session sealed; here we accept its proof, reproduce those bytes and unseal its messages.
@Suite struct PyspnegoInteropTests {
    struct Vectors: Decodable {
        struct Exchange: Decodable {
            var negotiate: String
            var challenge: String
            var authenticate: String
            /// Sealed by the client after the handshake (signature + ciphertext).
            var messages: [Message]
            /// wmilab's final SPNEGO token, which pyspnego verified (mechListMIC).
            var final: String?
            /// Sealed by wmilab after the handshake; pyspnego decrypted and verified them.
            var serverMessages: [Message]

            enum CodingKeys: String, CodingKey {
                case negotiate, challenge, authenticate, messages, final
                case serverMessages = "server_messages"
            }
        }
        struct Message: Decodable {
            var plaintext: String
            var wrapped: String
        }
        var raw: Exchange
        var spnego: Exchange
    }

    /// The seed and clock the recorded CHALLENGE messages were built with.
    static let seed: UInt64 = 2026
    static let now = Date(timeIntervalSince1970: 1_763_700_000)

    static func vectors() throws -> Vectors {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/pyspnego-vectors.json")
        return try JSONDecoder().decode(Vectors.self, from: Data(contentsOf: url))
    }

    func handshake(_ exchange: Vectors.Exchange) throws -> NTLMAcceptor.Action {
        var acceptor = NTLMAcceptor(
            configuration: .init(users: WireFixtures.users, computerName: "WMILAB", domainName: "LAB"))
        var rng = SplitMix64(state: Self.seed)
        guard case .challenge(let challenge) = acceptor.receive(hex(exchange.negotiate), now: Self.now, using: &rng)
        else { throw NTLMError.unexpectedToken.detail("no challenge") }
        // If this fails the CHALLENGE format changed: re-record the vectors with the printed value.
        #expect(hexString(challenge) == exchange.challenge, "challenge now: \(hexString(challenge))")
        return acceptor.receive(hex(exchange.authenticate), now: Self.now, using: &rng)
    }

    /// Server messages first (our outgoing stream), then the client's (our incoming stream): the two are
    /// independent, as on a connection.
    func checkMessages(_ exchange: Vectors.Exchange, session: inout NTLMSession) throws {
        try #require(!exchange.serverMessages.isEmpty)
        for message in exchange.serverMessages {
            let (signature, sealed) = try session.seal(hex(message.plaintext))
            #expect(hexString(signature + sealed) == message.wrapped)
        }
        try #require(exchange.messages.count == 2)
        for message in exchange.messages {
            let wrapped = hex(message.wrapped)
            let plaintext = try session.unseal(Array(wrapped[16...]), signature: Array(wrapped[..<16]))
            #expect(plaintext == hex(message.plaintext))
        }
    }

    @Test func rawNTLM() throws {
        let exchange = try Self.vectors().raw
        guard case .accepted(let identity, let finalToken, var session) = try handshake(exchange) else {
            Issue.record("pyspnego's AUTHENTICATE was not accepted")
            return
        }
        #expect(identity.userName == "labuser")
        #expect(identity.domainName == "")
        #expect(finalToken == nil)
        #expect(session.isSealing)
        try checkMessages(exchange, session: &session)
    }

    @Test func spnego() throws {
        let exchange = try Self.vectors().spnego
        guard case .accepted(let identity, let finalToken, var session) = try handshake(exchange) else {
            Issue.record("pyspnego's NegTokenResp was not accepted")
            return
        }
        #expect(identity.userName == "labuser")
        let token = try #require(finalToken)
        #expect(hexString(token) == exchange.final)
        guard case .response(let final) = try SPNEGOToken.parse(token) else {
            Issue.record("final token is not a NegTokenResp")
            return
        }
        #expect(final.state == .acceptCompleted)
        let mic = try #require(final.mechListMIC)
        #expect(Array(mic[12...]) == [0, 0, 0, 0])  // the server's sequence 0; sealing continues at 1
        try checkMessages(exchange, session: &session)
    }
}
