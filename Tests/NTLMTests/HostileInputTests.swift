import Foundation
import SeededRandom
import Testing

@testable import NTLM

/// Hostile tokens and bodies give errors, never a crash.
@Suite struct HostileInputTests {
    static let labels = ["pypsrp-negotiate-enc", "pywinrm-ntlm-enc", "pypsrp-ntlm-noenc", "pywinrm-ntlm-noenc"]

    func freshAcceptor(_ handshake: WireFixtures.Handshake) -> NTLMAcceptor {
        WireFixtures.acceptor(for: handshake)
    }

    @Test(arguments: labels)
    func everyTruncationOfEveryTokenIsAnError(label: String) throws {
        let handshake = try WireFixtures.handshake(label)
        for cut in 0..<handshake.negotiateToken.count {
            var acceptor = freshAcceptor(handshake)
            #expect(acceptor.receive(Array(handshake.negotiateToken.prefix(cut))).rejection != nil, "cut \(cut)")
        }
        for cut in 0..<handshake.authenticateToken.count {
            var acceptor = freshAcceptor(handshake)
            _ = acceptor.receive(handshake.negotiateToken)
            #expect(acceptor.receive(Array(handshake.authenticateToken.prefix(cut))).rejection != nil, "cut \(cut)")
        }
    }

    @Test func payloadFieldsPastTheEnd() throws {
        let handshake = try WireFixtures.handshake("pywinrm-ntlm-enc")
        let authenticate = handshake.authenticateToken
        // Each field header: Len at +0, Offset at +4. Push the offset past the end, then blow up the length.
        for header in stride(from: 12, through: 52, by: 8) {
            var farOffset = authenticate
            farOffset.replaceSubrange(header + 4..<header + 8, with: MessageWriter.littleEndian(UInt32.max))
            var hugeLength = authenticate
            hugeLength.replaceSubrange(header..<header + 2, with: [0xff, 0xff])
            for token in [farOffset, hugeLength] {
                var acceptor = freshAcceptor(handshake)
                _ = acceptor.receive(handshake.negotiateToken)
                #expect(acceptor.receive(token).rejection == .malformedToken, "field at \(header)")
            }
        }
    }

    @Test func wrongSignatureAndType() throws {
        let handshake = try WireFixtures.handshake("pywinrm-ntlm-enc")
        var badSignature = handshake.negotiateToken
        badSignature[3] = UInt8(ascii: "X")
        var typeTwo = handshake.negotiateToken
        typeTwo[8] = 2
        var typeNine = handshake.negotiateToken
        typeNine[8] = 9
        var acceptor = freshAcceptor(handshake)
        #expect(acceptor.receive(badSignature).rejection == .malformedToken)
        #expect(acceptor.receive(typeTwo).rejection == .unexpectedToken)
        #expect(acceptor.receive(typeNine).rejection == .unexpectedToken)
        #expect(acceptor.receive([]).rejection == .malformedToken)
        #expect(acceptor.receive([UInt8](repeating: 0, count: 1_000_000)).rejection == .malformedToken)
    }

    @Test func ntlmV1AndAnonymousAreUnsupported() throws {
        let handshake = try WireFixtures.handshake("pywinrm-ntlm-enc")
        let flags = NTLMNegotiateFlags([.unicode, .ntlm, .extendedSessionSecurity])
        func authenticate(nt: [UInt8], user: String) -> [UInt8] {
            var writer = MessageWriter(type: 3, headerLength: 72)
            writer.appendField([UInt8](repeating: 0, count: 24))
            writer.appendField(nt)
            writer.appendField(NTLMMessage.utf16LittleEndian("LAB"))
            writer.appendField(NTLMMessage.utf16LittleEndian(user))
            writer.appendField([])
            writer.appendField([])
            writer.appendUInt32(flags.rawValue)
            writer.appendBytes([UInt8](repeating: 0, count: 8))
            return writer.message
        }
        for (nt, user) in [([UInt8](repeating: 1, count: 24), "labuser"), ([], ""), ([], "labuser")] {
            var acceptor = freshAcceptor(handshake)
            _ = acceptor.receive(handshake.negotiateToken)
            #expect(acceptor.receive(authenticate(nt: nt, user: user)).rejection == .unsupported)
        }
    }

    @Test(
        arguments: [
            [0x60],
            [0x60, 0x80],
            [0x60, 0x84, 0xff, 0xff, 0xff, 0xff],
            [0x60, 0x83, 0xff, 0xff, 0xff, 0x06],
            [0x60, 0x05, 0x06, 0x03, 0x2b, 0x06, 0x01],
            [0x60, 0x08, 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02],
            [0xa1, 0x00],
            [0xa1, 0x02, 0x30, 0x00],
            [0xa1, 0x05, 0x30, 0x03, 0xa0, 0x01, 0x0a],
            [0xa1, 0x07, 0x30, 0x05, 0xa0, 0x03, 0x0a, 0x01, 0x09],
            [0xa1, 0x06, 0x30, 0x04, 0xa2, 0x02, 0x04, 0x05],
            [0xa1, 0x03, 0x30, 0x01, 0x1f],
            [0x9f, 0xff, 0xff],
        ] as [[UInt8]])
    func spnegoGarbage(token: [UInt8]) throws {
        let handshake = try WireFixtures.handshake("pypsrp-negotiate-enc")
        var acceptor = freshAcceptor(handshake)
        #expect(acceptor.receive(token).rejection != nil)
        _ = acceptor.receive(handshake.negotiateToken)
        #expect(acceptor.receive(token).rejection != nil)
    }

    /// Seeded mutations of the captured tokens: whatever they do, the acceptor answers with an action.
    @Test(arguments: labels)
    func mutationLoop(label: String) throws {
        let handshake = try WireFixtures.handshake(label)
        var rng = SplitMix64(state: 0x5eed_0000 &+ UInt64(label.utf8.count))
        var accepted = 0
        for round in 0..<400 {
            let mutateAuthenticate = round % 2 == 1
            var token = mutateAuthenticate ? handshake.authenticateToken : handshake.negotiateToken
            let edits = Int(rng.next() % 4) + 1
            for _ in 0..<edits {
                let index = Int(rng.next() % UInt64(token.count))
                switch rng.next() % 4 {
                case 0: token[index] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
                case 1: token[index] = 0xff
                case 2: token.removeSubrange(index...)
                default: token.insert(UInt8(truncatingIfNeeded: rng.next()), at: index)
                }
                if token.isEmpty { token = [0] }
            }
            var acceptor = freshAcceptor(handshake)
            if mutateAuthenticate {
                _ = acceptor.receive(handshake.negotiateToken)
                if case .accepted = acceptor.receive(token) { accepted += 1 }
            } else {
                _ = acceptor.receive(token)
            }
        }
        // A mutated AUTHENTICATE may only pass if the edit hit bytes nothing covers (e.g. the LM response field
        // padding); it must stay rare.
        #expect(accepted < 20)
    }

    @Test func mutatedEncryptedBodies() throws {
        let body = try WireFixtures.bytes("encrypted/pywinrm-ntlm-enc-identify.request.bin")
        var rng = SplitMix64(state: 42)
        var decoded = 0
        for _ in 0..<300 {
            var session = try WireFixtures.session("pywinrm-ntlm-enc")
            var mutated = body
            let index = Int(rng.next() % UInt64(mutated.count))
            switch rng.next() % 3 {
            case 0: mutated[index] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
            case 1: mutated.removeSubrange(index...)
            default: mutated.insert(UInt8(ascii: "-"), at: index)
            }
            if (try? EncryptedMessage.decode(
                body: mutated, contentType: EncryptedMessage.contentType, session: &session))
                != nil
            {
                decoded += 1
            }
        }
        // Only edits to header text the decoder ignores (whitespace, the boundary-free prelude) can still decode.
        #expect(decoded < 30)
    }

    static let firstPart = "--Encrypted Boundary\r\n\tContent-Type: application/HTTP-SPNEGO-session-encrypted\r\n"
    static let secondPart = "--Encrypted Boundary\r\n\tContent-Type: application/octet-stream\r\n"

    @Test(arguments: [
        "",
        "--Encrypted Boundary\r\n",
        firstPart + "--Encrypted Boundary\r\n",
        firstPart + "\tOriginalContent: type=x;Length=99999999999\r\n" + secondPart,
        firstPart + "\tOriginalContent: type=x;Length=4\r\n" + secondPart + "\u{10}\0\0\0",
        firstPart + "\tOriginalContent: type=x;Length=0\r\n" + secondPart + "\u{10}\0\0\0",
        "--Encrypted Boundary\r\n\tContent-Type: text/plain\r\n\tOriginalContent: type=x;Length=0\r\n" + secondPart,
    ])
    func malformedBodies(text: String) throws {
        var session = try WireFixtures.session("pywinrm-ntlm-enc")
        #expect(throws: NTLMError.malformedEncryptedMessage) {
            try EncryptedMessage.decode(
                body: Array(text.utf8), contentType: EncryptedMessage.contentType, session: &session)
        }
    }

    @Test func hostileSignatureLength() throws {
        var session = try WireFixtures.session("pywinrm-ntlm-enc")
        var body = try WireFixtures.bytes("encrypted/pywinrm-ntlm-enc-identify.request.bin")
        let marker = Array("application/octet-stream\r\n".utf8)
        let start = try #require(BodyReader(body).find(marker)) + marker.count
        body.replaceSubrange(start..<start + 4, with: [0xff, 0xff, 0xff, 0x7f])
        #expect(throws: NTLMError.malformedEncryptedMessage) {
            try EncryptedMessage.decode(body: body, contentType: EncryptedMessage.contentType, session: &session)
        }
    }

    @Test(arguments: [
        "application/soap+xml;charset=UTF-8",
        "multipart/encrypted;boundary=\"Encrypted Boundary\"",
        "multipart/encrypted;protocol=\"application/HTTP-SPNEGO-session-encrypted\"",
        "multipart/encrypted;protocol=\"application/HTTP-SPNEGO-session-encrypted\";boundary=\"",
        "nonsense",
    ])
    func badContentTypes(contentType: String) throws {
        var session = try WireFixtures.session("pywinrm-ntlm-enc")
        let body = try WireFixtures.bytes("encrypted/pywinrm-ntlm-enc-identify.request.bin")
        #expect(throws: NTLMError.malformedEncryptedMessage) {
            try EncryptedMessage.decode(body: body, contentType: contentType, session: &session)
        }
    }
}
