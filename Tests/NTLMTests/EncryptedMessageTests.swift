import Testing

@testable import NTLM

/// MS-WSMV encryption against the captured bodies: unseal every request, seal every response byte for byte.
@Suite struct EncryptedMessageTests {
    @Test(arguments: ["pypsrp-negotiate-enc", "pywinrm-ntlm-enc"])
    func capturedConversationInOrder(label: String) throws {
        var session = try WireFixtures.session(label)
        let entries = try WireFixtures.encryptedEntries(label)
        try #require(entries.count >= 3)
        for entry in entries {
            let name = entry.file.split(separator: "/").last.map(String.init) ?? entry.file
            let contentType = try #require(try WireFixtures.header("Content-Type", in: "\(entry.file).headers"))
            let request = try EncryptedMessage.decode(
                body: try WireFixtures.bytes("encrypted/\(name).request.bin"), contentType: contentType,
                session: &session)
            #expect(request.plaintext == (try WireFixtures.bytes("\(entry.file).xml")), "\(name) request")
            #expect(request.originalContentType == "application/soap+xml;charset=UTF-8")

            let response = try WireFixtures.bytes("responses/\(entry.file).response.xml")
            let (body, responseType) = try EncryptedMessage.encode(response, session: &session)
            #expect(body == (try WireFixtures.bytes("encrypted/\(name).response.bin")), "\(name) response")
            let capturedType = try WireFixtures.header("Content-Type", in: "responses/\(entry.file).response.headers")
            #expect(responseType == capturedType)
        }
    }

    @Test func negotiateOnlyRequestUnseals() throws {
        // pypsrp's defaults against a Negotiate-only server: SPNEGO, then one encrypted Get.
        let file = "auth/pypsrp-default-vs-negotiate-only-step4-get-Msvm_ReplicationService"
        var session = try WireFixtures.session("pypsrp-default-vs-negotiate-only")
        let decoded = try EncryptedMessage.decode(
            body: try WireFixtures.bytes(
                "encrypted/pypsrp-default-vs-negotiate-only-step4-get-Msvm_ReplicationService.request.bin"),
            contentType: EncryptedMessage.contentType, session: &session)
        #expect(decoded.plaintext == (try WireFixtures.bytes("\(file).xml")))
    }

    @Test func replayedRequestIsRefused() throws {
        var session = try WireFixtures.session("pywinrm-ntlm-enc")
        let body = try WireFixtures.bytes("encrypted/pywinrm-ntlm-enc-identify.request.bin")
        _ = try EncryptedMessage.decode(body: body, contentType: EncryptedMessage.contentType, session: &session)
        #expect(throws: NTLMError.self) {
            try EncryptedMessage.decode(body: body, contentType: EncryptedMessage.contentType, session: &session)
        }
    }

    @Test func requestOutOfOrderIsRefused() throws {
        // The second captured request first: its sequence number is 1 where 0 is expected.
        var session = try WireFixtures.session("pywinrm-ntlm-enc")
        let body = try WireFixtures.bytes("encrypted/pywinrm-ntlm-enc-get-Msvm_ReplicationService.request.bin")
        #expect(throws: NTLMError.badSequence) {
            try EncryptedMessage.decode(body: body, contentType: EncryptedMessage.contentType, session: &session)
        }
    }

    @Test func tamperedCiphertextIsRefused() throws {
        var session = try WireFixtures.session("pywinrm-ntlm-enc")
        var body = try WireFixtures.bytes("encrypted/pywinrm-ntlm-enc-identify.request.bin")
        body[body.count - 40] ^= 0x01
        #expect(throws: NTLMError.badSignature) {
            try EncryptedMessage.decode(body: body, contentType: EncryptedMessage.contentType, session: &session)
        }
    }

    @Test func wrongLengthIsRefusedBeforeTouchingTheSession() throws {
        var session = try WireFixtures.session("pywinrm-ntlm-enc")
        let body = try WireFixtures.bytes("encrypted/pywinrm-ntlm-enc-identify.request.bin")
        let text = String(decoding: body, as: UTF8.self)
        let length = try #require(text.range(of: "Length=")).upperBound
        var shortened = body
        let index = text.utf8.distance(from: text.startIndex, to: length)
        shortened[index] = shortened[index] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
        #expect(throws: NTLMError.malformedEncryptedMessage) {
            try EncryptedMessage.decode(body: shortened, contentType: EncryptedMessage.contentType, session: &session)
        }
        // The framing error did not advance the session: the genuine body still decodes.
        let decoded = try EncryptedMessage.decode(
            body: body, contentType: EncryptedMessage.contentType, session: &session)
        #expect(decoded.plaintext == (try WireFixtures.bytes("pywinrm-ntlm-enc-identify.xml")))
    }

    @Test func roundTripWithAnInitiatorSession() throws {
        let key = Array(0..<16).map { UInt8($0 * 7 + 3) }
        let flags: NTLMNegotiateFlags = [.unicode, .sign, .seal, .extendedSessionSecurity, .key128, .keyExchange]
        var server = NTLMSession(exportedSessionKey: key, flags: flags, role: .acceptor)
        var client = NTLMSession(exportedSessionKey: key, flags: flags, role: .initiator)
        for round in 0..<5 {
            let request = Array("<s:Envelope>request \(round)</s:Envelope>".utf8)
            let (body, type) = try EncryptedMessage.encode(request, session: &client)
            #expect(try EncryptedMessage.decode(body: body, contentType: type, session: &server).plaintext == request)
            let response = [UInt8](repeating: UInt8(round), count: 20_000 + round)
            let (reply, replyType) = try EncryptedMessage.encode(response, session: &server)
            #expect(
                try EncryptedMessage.decode(body: reply, contentType: replyType, session: &client).plaintext == response
            )
        }
    }

    @Test func sealingSessionRequiredForEncryption() throws {
        let flags: NTLMNegotiateFlags = [.unicode, .sign, .extendedSessionSecurity, .key128, .keyExchange]
        var session = NTLMSession(exportedSessionKey: [UInt8](repeating: 1, count: 16), flags: flags)
        #expect(!session.isSealing)
        #expect(throws: NTLMError.notSealing) {
            try EncryptedMessage.encode(Array("x".utf8), session: &session)
        }
        // Signing alone still works in both directions.
        var client = NTLMSession(exportedSessionKey: [UInt8](repeating: 1, count: 16), flags: flags, role: .initiator)
        let message = Array("signed, not sealed".utf8)
        try session.verify(message, signature: client.sign(message))
        #expect(throws: NTLMError.badSignature) { try session.verify(message + [0], signature: client.sign(message)) }
    }

    @Test(arguments: [
        (EncryptedMessage.contentType, true),
        (
            "multipart/encrypted; protocol=\"application/http-spnego-session-encrypted\"; "
                + "boundary=\"Encrypted Boundary\"",
            true
        ),
        ("Multipart/Encrypted;protocol=application/HTTP-SPNEGO-session-encrypted;boundary=X", true),
        (
            "multipart/encrypted;protocol=\"application/HTTP-Kerberos-session-encrypted\";"
                + "boundary=\"Encrypted Boundary\"",
            false
        ),
        ("application/soap+xml;charset=UTF-8", false),
        ("multipart/encrypted;protocol=\"unterminated", false),
        ("", false),
    ])
    func contentTypeDetection(contentType: String, encrypted: Bool) {
        #expect(EncryptedMessage.isEncrypted(contentType: contentType) == encrypted)
    }
}
