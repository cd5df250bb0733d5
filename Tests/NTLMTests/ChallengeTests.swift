import Foundation
import SeededRandom
import Testing

@testable import NTLM


/// wmilab's own CHALLENGE, built for the captured NEGOTIATE messages.
@Suite struct ChallengeTests {
    static let now = Date(timeIntervalSince1970: 1_763_700_000)

    func ourChallenge(for label: String, seed: UInt64 = 1) throws -> (token: [UInt8], message: ChallengeMessage) {
        let handshake = try WireFixtures.handshake(label)
        var acceptor = NTLMAcceptor(
            configuration: .init(users: WireFixtures.users, computerName: "WMILAB", domainName: "LAB"))
        var rng = SplitMix64(state: seed)
        guard case .challenge(let token) = acceptor.receive(handshake.negotiateToken, now: Self.now, using: &rng) else {
            throw NTLMError.unexpectedToken.detail("no challenge")
        }
        return (token, try ChallengeMessage(parsing: WireFixtures.Handshake.unwrapNTLM(token)))
    }

    @Test(arguments: ["pypsrp-negotiate-enc", "pywinrm-ntlm-enc", "pypsrp-ntlm-noenc"])
    func challengeAnswersTheClientsFlags(label: String) throws {
        let challenge = try ourChallenge(for: label).message
        let requested = try NegotiateMessage(
            parsing: WireFixtures.Handshake.unwrapNTLM(try WireFixtures.handshake(label).negotiateToken)
        ).flags
        // What pyspnego asks for (0xe2088237), answered as Windows does.
        let expected: NTLMNegotiateFlags = [
            .unicode, .requestTarget, .sign, .seal, .ntlm, .alwaysSign, .targetTypeDomain, .extendedSessionSecurity,
            .targetInfo, .version, .key128, .keyExchange, .key56,
        ]
        #expect(requested.rawValue == 0xe208_8237)
        #expect(challenge.flags == expected)
        #expect(!challenge.flags.contains(.oem))
        #expect(challenge.targetName == NTLMMessage.utf16LittleEndian("LAB"))
        #expect(challenge.targetInfo.value(.nbComputerName) == NTLMMessage.utf16LittleEndian("WMILAB"))
        #expect(challenge.targetInfo.value(.nbDomainName) == NTLMMessage.utf16LittleEndian("LAB"))
        #expect(challenge.targetInfo.value(.dnsComputerName) == NTLMMessage.utf16LittleEndian("wmilab"))
        #expect(challenge.targetInfo.value(.dnsDomainName) == NTLMMessage.utf16LittleEndian("lab"))
        let timestamp = try #require(challenge.targetInfo.value(.timestamp))
        #expect(timestamp == MessageWriter.littleEndian(UInt64(1_763_700_000 + 11_644_473_600) * 10_000_000))
        #expect(Array(challenge.bytes[48..<56]) == NTLMMessage.serverVersion)
    }

    @Test func spnegoChallengeIsANegTokenResp() throws {
        let token = try ourChallenge(for: "pypsrp-negotiate-enc").token
        guard case .response(let response) = try SPNEGOToken.parse(token) else {
            Issue.record("not a NegTokenResp")
            return
        }
        #expect(response.state == .acceptIncomplete)
        #expect(response.supportedMech == SPNEGOToken.ntlmOID)
        #expect(response.mechListMIC == nil)
        #expect(try ChallengeMessage(parsing: try #require(response.responseToken)).serverChallenge.count == 8)
    }

    @Test func serverChallengeComesFromTheGenerator() throws {
        let a = try ourChallenge(for: "pywinrm-ntlm-enc", seed: 1).message.serverChallenge
        let b = try ourChallenge(for: "pywinrm-ntlm-enc", seed: 1).message.serverChallenge
        let c = try ourChallenge(for: "pywinrm-ntlm-enc", seed: 2).message.serverChallenge
        var rng = SplitMix64(state: 1)
        let first = rng.next()
        #expect(a == b)
        #expect(a != c)
        #expect(a == (0..<8).map { UInt8(truncatingIfNeeded: first >> ($0 * 8)) })
    }

    @Test func oemOnlyClientGetsOEM() throws {
        // A NEGOTIATE asking for OEM strings only, no version, no sealing.
        var negotiate = NTLMMessage.signature + [1, 0, 0, 0]
        negotiate += MessageWriter.littleEndian(NTLMNegotiateFlags([.oem, .ntlm, .extendedSessionSecurity]).rawValue)
        negotiate += [UInt8](repeating: 0, count: 16)
        var acceptor = NTLMAcceptor(users: WireFixtures.users, computerName: "WMILAB", domainName: "LAB")
        guard case .challenge(let token) = acceptor.receive(negotiate) else {
            Issue.record("no challenge")
            return
        }
        let challenge = try ChallengeMessage(parsing: token)
        #expect(challenge.flags.contains(.oem))
        #expect(!challenge.flags.contains(.unicode))
        #expect(!challenge.flags.contains(.seal))
        #expect(!challenge.flags.contains(.version))
        #expect(challenge.targetName.isEmpty)
        #expect(Array(challenge.bytes[48..<56]) == [UInt8](repeating: 0, count: 8))
    }
}
