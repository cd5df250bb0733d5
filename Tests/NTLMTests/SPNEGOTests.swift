import Testing

@testable import NTLM

@Suite struct SPNEGOTests {
    @Test func capturedNegTokenInitParses() throws {
        let token = try WireFixtures.handshake("pypsrp-negotiate-enc").negotiateToken
        guard case .initial(let initial) = try SPNEGOToken.parse(token) else {
            Issue.record("not a NegTokenInit")
            return
        }
        #expect(initial.mechTypes == [SPNEGOToken.ntlmOID])
        #expect(initial.mechTypesEncoded == [0x30, 0x0c, 0x06, 0x0a] + SPNEGOToken.ntlmOID)
        #expect(try NegotiateMessage(parsing: try #require(initial.mechToken)).flags.rawValue == 0xe208_8237)
        #expect(initial.mechListMIC == nil)
    }

    @Test func capturedNegTokenRespParsesAndReencodes() throws {
        let handshake = try WireFixtures.handshake("pypsrp-negotiate-enc")
        for token in [handshake.authenticateToken] + handshake.serverTokens {
            guard case .response(let response) = try SPNEGOToken.parse(token) else {
                Issue.record("not a NegTokenResp")
                continue
            }
            #expect(response.encoded == token)
        }
    }

    @Test func longLengthsEncodeMinimally() throws {
        for size in [0, 1, 127, 128, 255, 256, 65_535, 65_536] {
            let encoded = DER.encode(tag: DER.octetString, [UInt8](repeating: 7, count: size))
            var reader = DER.Reader(encoded[...])
            let element = try reader.next(tag: DER.octetString)
            #expect(element.content.count == size)
            #expect(reader.isAtEnd)
            #expect(encoded.count - size == (size < 128 ? 2 : size < 256 ? 3 : size < 65_536 ? 4 : 5))
        }
    }

    @Test func kerberosOnlyIsUnsupported() throws {
        // NegTokenInit offering only MS Kerberos (1.2.840.48018.1.2.2), no NTLM.
        let kerberos: [UInt8] = [0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02]
        let mechTypes = DER.encode(tag: DER.sequence, DER.encode(tag: DER.objectIdentifier, kerberos))
        let body = DER.encode(tag: DER.sequence, DER.encode(tag: DER.context(0), mechTypes))
        let token = DER.encode(
            tag: DER.application0,
            DER.encode(tag: DER.objectIdentifier, SPNEGOToken.spnegoOID) + DER.encode(tag: DER.context(0), body))
        var acceptor = NTLMAcceptor(users: WireFixtures.users, computerName: "WMILAB", domainName: "LAB")
        #expect(acceptor.receive(token).rejection == .unsupported)
    }

    @Test func bareKerberosTokenIsUnsupported() {
        // GSS-API framing of a Kerberos AP-REQ: [APPLICATION 0] { OID 1.2.840.113554.1.2.2, token id, ... }.
        let token = DER.encode(
            tag: DER.application0,
            DER.encode(tag: DER.objectIdentifier, SPNEGOToken.kerberosOID) + [0x01, 0x00, 0x6e, 0x00])
        var acceptor = NTLMAcceptor(users: WireFixtures.users, computerName: "WMILAB", domainName: "LAB")
        #expect(acceptor.receive(token).rejection == .unsupported)
    }

    @Test func ntlmAsSecondChoiceAsksForItsNegotiate() throws {
        // Kerberos first with an optimistic Kerberos token, NTLM second: the acceptor selects NTLM, asks for
        // a mechListMIC and waits for the NEGOTIATE in a NegTokenResp.
        let kerberos: [UInt8] = [0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02]
        let mechTypes = DER.encode(
            tag: DER.sequence,
            DER.encode(tag: DER.objectIdentifier, kerberos) + DER.encode(tag: DER.objectIdentifier, SPNEGOToken.ntlmOID)
        )
        let body = DER.encode(
            tag: DER.sequence,
            DER.encode(tag: DER.context(0), mechTypes)
                + DER.encode(tag: DER.context(2), DER.encode(tag: DER.octetString, [0x60, 0x01, 0x00])))
        let token = DER.encode(
            tag: DER.application0,
            DER.encode(tag: DER.objectIdentifier, SPNEGOToken.spnegoOID) + DER.encode(tag: DER.context(0), body))
        var acceptor = NTLMAcceptor(users: WireFixtures.users, computerName: "WMILAB", domainName: "LAB")
        guard case .challenge(let answer) = acceptor.receive(token),
            case .response(let response) = try SPNEGOToken.parse(answer)
        else {
            Issue.record("expected a NegTokenResp")
            return
        }
        #expect(response.state == .requestMIC)
        #expect(response.supportedMech == SPNEGOToken.ntlmOID)
        #expect(response.responseToken == nil)

        let negotiate = WireFixtures.Handshake.unwrapNTLM(
            try WireFixtures.handshake("pypsrp-negotiate-enc").negotiateToken)
        let next = SPNEGOToken.Response(responseToken: negotiate).encoded
        guard case .challenge(let second) = acceptor.receive(next),
            case .response(let challenge) = try SPNEGOToken.parse(second)
        else {
            Issue.record("expected the CHALLENGE")
            return
        }
        #expect(challenge.state == .acceptIncomplete)
        #expect(challenge.supportedMech == nil)
        #expect(try ChallengeMessage(parsing: try #require(challenge.responseToken)).flags.contains(.seal))
    }
}
