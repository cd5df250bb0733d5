import Foundation
import SeededRandom
import Testing

@testable import NTLM

/// wmilab's acceptor against wmilab's initiator, with the acceptor's own random challenges.
@Suite struct InitiatorRoundTripTests {
    static let configuration = NTLMAcceptor.Configuration(
        users: [NTLMUser(name: "labuser", password: "LabPass1!"), NTLMUser(name: "Ops", password: "pässwörd €")],
        computerName: "WMILAB", domainName: "LAB")

    struct Outcome {
        var acceptor: NTLMAcceptor.Action
        var client: Result<NTLMSession, any Error>
    }

    static func handshake(
        _ client: inout NTLMInitiator, seed: UInt64, configuration: NTLMAcceptor.Configuration = configuration
    ) throws -> Outcome {
        var acceptor = NTLMAcceptor(configuration: configuration)
        var rng = SplitMix64(state: seed)
        guard case .challenge(let challenge) = acceptor.receive(client.negotiate(), now: Date(), using: &rng) else {
            throw NTLMError.unexpectedToken.detail("no challenge")
        }
        let action = acceptor.receive(try client.respond(to: challenge, using: &rng), now: Date(), using: &rng)
        var finalToken: [UInt8]? = nil
        if case .accepted(_, let token, _) = action { finalToken = token }
        let session = Result { try client.complete(finalToken: finalToken) }
        return Outcome(acceptor: action, client: session)
    }

    static func exchange(server: inout NTLMSession, client: inout NTLMSession, rounds: Int = 3) throws {
        for round in 0..<rounds {
            let request = Array("<s:Envelope>request \(round)</s:Envelope>".utf8)
            let (body, type) = try EncryptedMessage.encode(request, session: &client)
            #expect(try EncryptedMessage.decode(body: body, contentType: type, session: &server).plaintext == request)
            let response = Array("<s:Envelope>response \(round) ü</s:Envelope>".utf8)
            let (reply, replyType) = try EncryptedMessage.encode(response, session: &server)
            #expect(
                try EncryptedMessage.decode(body: reply, contentType: replyType, session: &client).plaintext == response
            )
        }
    }

    @Test(arguments: [NTLMInitiator.Mode.spnego, .raw], [UInt64(1), 2, 3])
    func handshakeAndEncryption(mode: NTLMInitiator.Mode, seed: UInt64) throws {
        var client = NTLMInitiator(user: "LabUser", domain: "LAB", password: "LabPass1!", mode: mode)
        let outcome = try Self.handshake(&client, seed: seed)
        guard case .accepted(let identity, let finalToken, var server) = outcome.acceptor else {
            Issue.record("not accepted: \(outcome.acceptor)")
            return
        }
        #expect(identity == NTLMIdentity(userName: "labuser", domainName: "LAB", workstation: ""))
        #expect((finalToken != nil) == (mode == .spnego))
        var session = try outcome.client.get()
        try Self.exchange(server: &server, client: &session)
    }

    @Test func nonASCIIPasswordAndEmptyDomain() throws {
        var client = NTLMInitiator(user: "ops", domain: "", password: "pässwörd €", mode: .raw, workstation: "WS01")
        guard case .accepted(let identity, _, _) = try Self.handshake(&client, seed: 9).acceptor else {
            Issue.record("not accepted")
            return
        }
        #expect(identity == NTLMIdentity(userName: "Ops", domainName: "", workstation: "WS01"))
    }

    @Test func userPrincipalName() throws {
        var client = NTLMInitiator(user: "labuser@lab.local", domain: "", password: "LabPass1!", mode: .spnego)
        let outcome = try Self.handshake(&client, seed: 11)
        guard case .accepted(let identity, _, _) = outcome.acceptor else {
            Issue.record("not accepted: \(outcome.acceptor)")
            return
        }
        #expect(identity.userName == "labuser")
        var wrong = NTLMInitiator(user: "labuser@lab.local", domain: "", password: "nope", mode: .spnego)
        #expect(try Self.handshake(&wrong, seed: 11).acceptor.rejection == .logonFailure)
    }

    @Test(arguments: [NTLMInitiator.Mode.spnego, .raw])
    func wrongPassword(mode: NTLMInitiator.Mode) throws {
        var client = NTLMInitiator(user: "labuser", domain: "LAB", password: "labpass1!", mode: mode)
        let outcome = try Self.handshake(&client, seed: 4)
        #expect(outcome.acceptor.rejection == .logonFailure)
    }

    /// Weaker sessions a client may negotiate: no key exchange, 56-bit and 40-bit sealing keys.
    @Test(arguments: [
        NTLMNegotiateFlags.keyExchange, [.key128], [.key128, .key56], [.key128, .key56, .keyExchange],
    ])
    func weakerFlags(removed: NTLMNegotiateFlags) throws {
        for mode in [NTLMInitiator.Mode.spnego, .raw] {
            var client = NTLMInitiator(user: "labuser", domain: "LAB", password: "LabPass1!", mode: mode)
            client.requestedFlags.subtract(removed)
            let outcome = try Self.handshake(&client, seed: 5)
            guard case .accepted(_, _, var server) = outcome.acceptor else {
                Issue.record("not accepted: \(outcome.acceptor)")
                continue
            }
            #expect(server.flags.isDisjoint(with: removed))
            var session = try outcome.client.get()
            try Self.exchange(server: &server, client: &session)
        }
    }

    @Test func spnegoClientNeedsTheFinalToken() throws {
        var client = NTLMInitiator(user: "labuser", domain: "LAB", password: "LabPass1!")
        var acceptor = NTLMAcceptor(configuration: Self.configuration)
        guard case .challenge(let challenge) = acceptor.receive(client.negotiate()) else {
            Issue.record("no challenge")
            return
        }
        guard case .accepted = acceptor.receive(try client.respond(to: challenge)) else {
            Issue.record("not accepted")
            return
        }
        // A server that drops the final token leaves the client unable to check the mechListMIC.
        #expect(throws: NTLMError.badMIC) { try client.complete(finalToken: nil) }
    }

    @Test func ntlmFirstWithoutOptimisticToken() throws {
        // NegTokenInit listing NTLM first but carrying no mechToken: accept-incomplete, no MIC demanded.
        let mechTypes = DER.encode(tag: DER.sequence, DER.encode(tag: DER.objectIdentifier, SPNEGOToken.ntlmOID))
        let body = DER.encode(tag: DER.sequence, DER.encode(tag: DER.context(0), mechTypes))
        let token = DER.encode(
            tag: DER.application0,
            DER.encode(tag: DER.objectIdentifier, SPNEGOToken.spnegoOID) + DER.encode(tag: DER.context(0), body))
        var acceptor = NTLMAcceptor(configuration: Self.configuration)
        guard case .challenge(let answer) = acceptor.receive(token),
            case .response(let response) = try SPNEGOToken.parse(answer)
        else {
            Issue.record("expected a NegTokenResp")
            return
        }
        #expect(response.state == .acceptIncomplete)
        #expect(response.supportedMech == SPNEGOToken.ntlmOID)
        #expect(response.responseToken == nil)
    }

    @Test func newHandshakeOnAnEstablishedConnection() throws {
        var acceptor = NTLMAcceptor(configuration: Self.configuration)
        for user in ["labuser", "ops"] {
            let password = user == "ops" ? "pässwörd €" : "LabPass1!"
            var client = NTLMInitiator(user: user, domain: "LAB", password: password, mode: .raw)
            guard case .challenge(let challenge) = acceptor.receive(client.negotiate()),
                case .accepted(let identity, _, _) = acceptor.receive(try client.respond(to: challenge))
            else {
                Issue.record("handshake for \(user) failed")
                return
            }
            #expect(identity.userName.lowercased() == user)
            #expect(acceptor.isEstablished)
        }
    }
}
