/// The security context an accepted NTLM handshake leaves behind: signing and sealing for both directions.
///
/// A value bound to one connection. Sequence numbers and the RC4 key streams continue across messages, so every
/// message of the connection must pass through the same `NTLMSession`, in order: the peer's messages through
/// ``unseal(_:signature:)`` / ``verify(_:signature:)``, our own through ``seal(_:)`` / ``sign(_:)``. For the
/// acceptor's session the peer is the client; for an ``NTLMInitiator``'s session, the server.
/// Only NTLMv2 with extended session security is supported (MS-NLMP 3.4.4.2 / 3.4.3).
public struct NTLMSession: Sendable {
    /// The flags the client settled on in its AUTHENTICATE message.
    public let flags: NTLMNegotiateFlags
    /// Whether the client negotiated confidentiality: then MS-WSMV requires every message to be encrypted.
    public var isSealing: Bool { flags.contains(.seal) }

    /// Which side of the handshake this context is.
    enum Role: Sendable { case acceptor, initiator }

    private let incoming: Direction
    private let outgoing: Direction
    private var incomingCipher: RC4
    private var outgoingCipher: RC4
    private var incomingSequence: UInt32 = 0
    private var outgoingSequence: UInt32 = 0

    /// Keys of one direction (MS-NLMP 3.4.5.2, 3.4.5.3).
    private struct Direction: Sendable {
        var signingKey: [UInt8]
        var sealingKey: [UInt8]

        init(exportedSessionKey key: [UInt8], flags: NTLMNegotiateFlags, clientToServer: Bool) {
            let which = clientToServer ? "client-to-server" : "server-to-client"
            signingKey = MD5.hash(key, Array("session key to \(which) signing key magic constant".utf8) + [0])
            let sealBase = flags.contains(.key128) ? key : Array(key.prefix(flags.contains(.key56) ? 7 : 5))
            sealingKey = MD5.hash(sealBase, Array("session key to \(which) sealing key magic constant".utf8) + [0])
        }
    }

    /// A context from the exported session key; `flags` must include extended session security.
    init(exportedSessionKey: [UInt8], flags: NTLMNegotiateFlags, role: Role = .acceptor) {
        self.flags = flags
        let clientToServer = Direction(exportedSessionKey: exportedSessionKey, flags: flags, clientToServer: true)
        let serverToClient = Direction(exportedSessionKey: exportedSessionKey, flags: flags, clientToServer: false)
        (incoming, outgoing) = role == .acceptor ? (clientToServer, serverToClient) : (serverToClient, clientToServer)
        incomingCipher = RC4(key: incoming.sealingKey)
        outgoingCipher = RC4(key: outgoing.sealingKey)
    }

    /// Size of an NTLM message signature.
    public static let signatureLength = 16

    /// Decrypts a message from the peer and verifies its signature and sequence number.
    public mutating func unseal(_ sealed: [UInt8], signature: [UInt8]) throws -> [UInt8] {
        guard isSealing else { throw NTLMError.notSealing }
        try checkShape(signature)
        let plaintext = incomingCipher.process(sealed)
        try verifyChecksum(plaintext, signature: signature)
        return plaintext
    }

    /// Encrypts a message to the peer; returns its 16-byte signature and the ciphertext (same length as input).
    public mutating func seal(_ plaintext: [UInt8]) throws -> (signature: [UInt8], sealed: [UInt8]) {
        guard isSealing else { throw NTLMError.notSealing }
        let sealed = outgoingCipher.process(plaintext)
        return (makeSignature(plaintext), sealed)
    }

    /// Verifies the signature of a message from the peer that was not encrypted (GSS_VerifyMIC).
    public mutating func verify(_ message: [UInt8], signature: [UInt8]) throws {
        try checkShape(signature)
        try verifyChecksum(message, signature: signature)
    }

    /// Signs a message to the peer without encrypting it (GSS_GetMIC).
    public mutating func sign(_ message: [UInt8]) -> [UInt8] { makeSignature(message) }

    /// SPNEGO re-keys RC4 after each side's mechListMIC (the sequence number continues).
    mutating func resetIncomingCipher() { incomingCipher = RC4(key: incoming.sealingKey) }
    mutating func resetOutgoingCipher() { outgoingCipher = RC4(key: outgoing.sealingKey) }

    private mutating func makeSignature(_ message: [UInt8]) -> [UInt8] {
        let sequence = MessageWriter.littleEndian(outgoingSequence)
        outgoingSequence &+= 1
        var checksum = Array(MD5.hmac(key: outgoing.signingKey, sequence, message).prefix(8))
        if flags.contains(.keyExchange) { checksum = outgoingCipher.process(checksum) }
        return [1, 0, 0, 0] + checksum + sequence
    }

    private func checkShape(_ signature: [UInt8]) throws {
        guard signature.count == Self.signatureLength else {
            throw NTLMError.badSignature.detail("signature of \(signature.count) bytes")
        }
        guard signature.prefix(4).elementsEqual([1, 0, 0, 0]) else {
            throw NTLMError.badSignature.detail("signature version is not 1")
        }
    }

    private mutating func verifyChecksum(_ message: [UInt8], signature: [UInt8]) throws {
        let sequenceBytes = Array(signature[12..<16])
        var checksum = Array(signature[4..<12])
        if flags.contains(.keyExchange) { checksum = incomingCipher.process(checksum) }
        let sequence =
            UInt32(sequenceBytes[0]) | UInt32(sequenceBytes[1]) << 8
            | UInt32(sequenceBytes[2]) << 16 | UInt32(sequenceBytes[3]) << 24
        guard sequence == incomingSequence else {
            throw NTLMError.badSequence.detail("sequence \(sequence), expected \(incomingSequence)")
        }
        let expected = MD5.hmac(key: incoming.signingKey, sequenceBytes, message).prefix(8)
        guard Self.constantTimeEqual(Array(expected), checksum) else {
            throw NTLMError.badSignature.detail("checksum mismatch at sequence \(sequence)")
        }
        incomingSequence &+= 1
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
