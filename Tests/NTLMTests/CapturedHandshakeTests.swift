import Testing

@testable import NTLM

/// The acceptor against the real clients' captured handshakes (pyspnego on the client side).
@Suite struct CapturedHandshakeTests {
    static let labels = [
        "pypsrp-negotiate-enc", "pywinrm-ntlm-enc", "pypsrp-ntlm-noenc", "pywinrm-ntlm-noenc",
        "pypsrp-default-vs-negotiate-only",
    ]

    @Test(arguments: labels)
    func capturedHandshakeIsAccepted(label: String) throws {
        let handshake = try WireFixtures.handshake(label)
        try #require(handshake.clientTokens.count == 2)
        let (first, last) = WireFixtures.run(handshake)

        guard case .challenge(let challengeToken) = first else {
            Issue.record("expected a challenge, got \(first)")
            return
        }
        if handshake.isSPNEGO {
            guard case .response(let response) = try SPNEGOToken.parse(challengeToken) else {
                Issue.record("challenge is not a NegTokenResp")
                return
            }
            #expect(response.state == .acceptIncomplete)
            #expect(response.supportedMech == SPNEGOToken.ntlmOID)
            #expect(response.responseToken == handshake.challengeMessage)
        } else {
            #expect(challengeToken == handshake.challengeMessage)
        }

        guard case .accepted(let identity, let finalToken, let session) = last else {
            Issue.record("expected acceptance, got \(last)")
            return
        }
        #expect(identity.userName == "labuser")
        #expect(identity.domainName == "LAB")
        #expect(session.flags.contains([.extendedSessionSecurity, .sign, .keyExchange, .key128]))
        if handshake.isSPNEGO {
            // Byte for byte what the capture server's acceptor (pyspnego) answered: accept-completed + mechListMIC.
            #expect(finalToken == handshake.finalToken)
            #expect(finalToken != nil)
        } else {
            #expect(finalToken == nil)
        }
    }

    @Test(arguments: labels)
    func wrongPasswordIsRejected(label: String) throws {
        let handshake = try WireFixtures.handshake(label)
        let (_, last) = WireFixtures.run(handshake, users: [NTLMUser(name: "labuser", password: "LabPass2!")])
        #expect(last.rejection == .logonFailure)
    }

    @Test(arguments: labels)
    func unknownUserIsRejected(label: String) throws {
        let handshake = try WireFixtures.handshake(label)
        let (_, last) = WireFixtures.run(
            handshake, users: [NTLMUser(name: "otheruser", password: WireFixtures.password)])
        #expect(last.rejection == .logonFailure)
    }

    @Test func userNameMatchesCaseInsensitively() throws {
        let handshake = try WireFixtures.handshake("pywinrm-ntlm-enc")
        let (_, last) = WireFixtures.run(handshake, users: [NTLMUser(name: "LABUSER", password: WireFixtures.password)])
        guard case .accepted(let identity, _, _) = last else {
            Issue.record("expected acceptance, got \(last)")
            return
        }
        #expect(identity.userName == "LABUSER")
    }

    @Test(arguments: labels)
    func flippedNTProofStrIsRejected(label: String) throws {
        let handshake = try WireFixtures.handshake(label)
        let message = try AuthenticateMessage(parsing: WireFixtures.Handshake.unwrapNTLM(handshake.authenticateToken))
        let ntOffset = Int(message.bytes[24]) | Int(message.bytes[25]) << 8 | Int(message.bytes[26]) << 16
        for offsetInResponse in [0, 7, 15, 30] {  // NTProofStr, then the client blob's timestamp
            var token = handshake.authenticateToken
            token[handshake.authenticateOffset + ntOffset + offsetInResponse] ^= 0x01
            let (_, last) = WireFixtures.run(handshake, authenticate: token)
            #expect(last.rejection == .logonFailure, "byte \(offsetInResponse) of the NT response")
        }
    }

    @Test(arguments: labels)
    func flippedMICIsRejected(label: String) throws {
        let handshake = try WireFixtures.handshake(label)
        let message = try AuthenticateMessage(parsing: WireFixtures.Handshake.unwrapNTLM(handshake.authenticateToken))
        try #require(message.mic != nil)
        var token = handshake.authenticateToken
        token[handshake.authenticateOffset + AuthenticateMessage.micOffset + 5] ^= 0x80
        let (_, last) = WireFixtures.run(handshake, authenticate: token)
        #expect(last.rejection == .badMIC)
    }

    @Test(arguments: labels)
    func flippedFlagsAreRejected(label: String) throws {
        // The negotiated flags are covered by the MIC: dropping SEAL must not go unnoticed.
        let handshake = try WireFixtures.handshake(label)
        var token = handshake.authenticateToken
        token[handshake.authenticateOffset + 60] ^= 0x20
        let (_, last) = WireFixtures.run(handshake, authenticate: token)
        #expect(last.rejection == .badMIC)
    }

    @Test func flippedMechListMICIsRejected() throws {
        let handshake = try WireFixtures.handshake("pypsrp-negotiate-enc")
        var token = handshake.authenticateToken
        token[token.count - 3] ^= 0x01  // inside the mechListMIC, the last field of the NegTokenResp
        let (_, last) = WireFixtures.run(handshake, authenticate: token)
        #expect(last.rejection == .badMIC)
    }

    @Test func spnegoAuthenticateWithoutCaptureChallengeFails() throws {
        // Our own random challenge: the captured proof was computed for another one.
        let handshake = try WireFixtures.handshake("pypsrp-negotiate-enc")
        var acceptor = NTLMAcceptor(users: WireFixtures.users, computerName: "WMILAB", domainName: "LAB")
        _ = acceptor.receive(handshake.negotiateToken)
        #expect(acceptor.receive(handshake.authenticateToken).rejection == .logonFailure)
    }

    @Test func authenticateBeforeChallengeIsUnexpected() throws {
        for label in ["pypsrp-negotiate-enc", "pywinrm-ntlm-enc"] {
            let handshake = try WireFixtures.handshake(label)
            var acceptor = WireFixtures.acceptor(for: handshake)
            #expect(acceptor.receive(handshake.authenticateToken).rejection == .unexpectedToken)
        }
    }

    @Test func rawAuthenticateAfterSPNEGOChallengeIsUnexpected() throws {
        let spnego = try WireFixtures.handshake("pypsrp-negotiate-enc")
        var acceptor = WireFixtures.acceptor(for: spnego)
        _ = acceptor.receive(spnego.negotiateToken)
        let raw = WireFixtures.Handshake.unwrapNTLM(spnego.authenticateToken)
        #expect(acceptor.receive(raw).rejection == .unexpectedToken)
    }

    @Test func rejectionStartsOverAndANewHandshakeSucceeds() throws {
        let handshake = try WireFixtures.handshake("pywinrm-ntlm-enc")
        var acceptor = WireFixtures.acceptor(for: handshake)
        _ = acceptor.receive(handshake.negotiateToken)
        var bad = handshake.authenticateToken
        bad[bad.count - 1] ^= 0xff
        #expect(acceptor.receive(bad).rejection != nil)
        #expect(!acceptor.isEstablished)
        // The same AUTHENTICATE again is out of sequence: the failed attempt consumed the challenge.
        #expect(acceptor.receive(handshake.authenticateToken).rejection == .unexpectedToken)
        guard case .challenge = acceptor.receive(handshake.negotiateToken) else {
            Issue.record("a new NEGOTIATE must be challenged")
            return
        }
        guard case .accepted = acceptor.receive(handshake.authenticateToken) else {
            Issue.record("the retried handshake must be accepted")
            return
        }
        #expect(acceptor.isEstablished)
    }
}
