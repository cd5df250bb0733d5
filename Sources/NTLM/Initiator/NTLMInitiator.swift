import Foundation

/// The client side of an NTLMv2 handshake, raw or in SPNEGO, shaped after pyspnego (the NTLM client of pypsrp
/// and pywinrm). For tests and tools that talk to a WinRM endpoint in-process; the server only needs
/// ``NTLMAcceptor``.
///
/// ```swift
/// var client = NTLMInitiator(user: "labuser", domain: "LAB", password: "LabPass1!")
/// let negotiate = client.negotiate()                     // Authorization: Negotiate <b64>
/// let authenticate = try client.respond(to: challenge)   // after the 401 carrying the CHALLENGE
/// var session = try client.complete(finalToken: token)   // the 200's WWW-Authenticate token, if any
/// ```
public struct NTLMInitiator: Sendable {
    /// Token format: SPNEGO (pypsrp `auth="negotiate"`) or raw NTLM (pywinrm, pypsrp `auth="ntlm"`).
    public enum Mode: Sendable { case spnego, raw }

    /// Whether tokens are SPNEGO-wrapped.
    public let mode: Mode
    private let user: String
    private let domain: String
    private let password: String
    private let workstation: String
    /// What the NEGOTIATE asks for; pyspnego's 0xe2088237 by default.
    var requestedFlags: NTLMNegotiateFlags = [
        .unicode, .oem, .requestTarget, .sign, .seal, .ntlm, .alwaysSign, .extendedSessionSecurity, .version,
        .key128, .keyExchange, .key56,
    ]

    private var negotiateMessage: [UInt8] = []
    private let mechTypesEncoded = DER.encode(
        tag: DER.sequence, DER.encode(tag: DER.objectIdentifier, SPNEGOToken.ntlmOID))
    private var pending: NTLMSession?
    private var sentMechListMIC = false

    /// A client for `domain\user` (the domain may be empty, e.g. with a UPN as `user`).
    public init(user: String, domain: String, password: String, mode: Mode = .spnego, workstation: String = "") {
        self.user = user
        self.domain = domain
        self.password = password
        self.mode = mode
        self.workstation = workstation
    }

    /// The first token: NEGOTIATE, wrapped in a NegTokenInit in SPNEGO mode.
    public mutating func negotiate() -> [UInt8] {
        var writer = MessageWriter(type: 1, headerLength: 40)
        writer.appendUInt32(requestedFlags.rawValue)
        writer.appendField([])
        writer.appendField([])
        writer.appendBytes(NTLMMessage.serverVersion)
        negotiateMessage = writer.message
        guard mode == .spnego else { return negotiateMessage }
        let body = DER.encode(
            tag: DER.sequence,
            DER.encode(tag: DER.context(0), mechTypesEncoded)
                + DER.encode(tag: DER.context(2), DER.encode(tag: DER.octetString, negotiateMessage)))
        return DER.encode(
            tag: DER.application0,
            DER.encode(tag: DER.objectIdentifier, SPNEGOToken.spnegoOID) + DER.encode(tag: DER.context(0), body))
    }

    /// The AUTHENTICATE answering the server's CHALLENGE token (with the mechListMIC in SPNEGO mode).
    public mutating func respond(
        to challengeToken: [UInt8], now: Date = Date(), using rng: inout some RandomNumberGenerator
    ) throws -> [UInt8] {
        guard !negotiateMessage.isEmpty else { throw NTLMError.unexpectedToken.detail("respond before negotiate") }
        var rawChallenge = challengeToken
        if mode == .spnego {
            guard case .response(let response) = try SPNEGOToken.parse(challengeToken),
                let token = response.responseToken
            else { throw NTLMError.unexpectedToken.detail("no CHALLENGE in the server's SPNEGO token") }
            rawChallenge = token
        }
        let challenge = try ChallengeMessage(parsing: rawChallenge)
        let flags = challenge.flags.intersection(requestedFlags).union(.ntlm)

        var info = challenge.targetInfo
        let timestamp: [UInt8]
        if let value = info.value(.timestamp), value.count == 8 {
            timestamp = value
            info.append(.flags, MessageWriter.littleEndian(AVPairs.micPresentFlag))
        } else {
            timestamp = MessageWriter.littleEndian(NTLMAcceptor.fileTime(now))
        }
        let clientChallenge = Self.randomBytes(8, &rng)
        let blob = [1, 1, 0, 0, 0, 0, 0, 0] + timestamp + clientChallenge + [0, 0, 0, 0] + info.bytes + [0, 0, 0, 0]
        let responseKey = NTLMv2.responseKey(ntHash: NTLMv2.ntHash(password: password), user: user, domain: domain)
        let proof = NTLMv2.ntProofStr(responseKey: responseKey, serverChallenge: challenge.serverChallenge, blob: blob)
        let keyExchangeKey = NTLMv2.sessionBaseKey(responseKey: responseKey, ntProofStr: proof)
        var exported = keyExchangeKey
        var encryptedKey: [UInt8] = []
        if flags.contains(.keyExchange) {
            exported = Self.randomBytes(16, &rng)
            encryptedKey = RC4.encrypt(key: keyExchangeKey, exported)
        }

        func encode(_ string: String) -> [UInt8] {
            flags.contains(.unicode) ? NTLMMessage.utf16LittleEndian(string) : Array(string.utf8)
        }
        var writer = MessageWriter(type: 3, headerLength: 88)
        writer.appendField([UInt8](repeating: 0, count: 24))
        writer.appendField(proof + blob)
        writer.appendField(encode(domain))
        writer.appendField(encode(user))
        writer.appendField(encode(workstation))
        writer.appendField(encryptedKey)
        writer.appendUInt32(flags.rawValue)
        writer.appendBytes(NTLMMessage.serverVersion)
        writer.appendBytes([UInt8](repeating: 0, count: 16))
        var authenticate = writer.message
        let mic = NTLMv2.mic(
            exportedSessionKey: exported, negotiate: negotiateMessage, challenge: challenge.bytes,
            authenticate: authenticate)
        authenticate.replaceSubrange(AuthenticateMessage.micOffset..<AuthenticateMessage.micOffset + 16, with: mic)

        var session = NTLMSession(exportedSessionKey: exported, flags: flags, role: .initiator)
        defer { pending = session }
        guard mode == .spnego else { return authenticate }
        let mechListMIC = session.sign(mechTypesEncoded)
        session.resetOutgoingCipher()
        sentMechListMIC = true
        return SPNEGOToken.Response(state: .acceptIncomplete, responseToken: authenticate, mechListMIC: mechListMIC)
            .encoded
    }

    /// ``respond(to:now:using:)`` with the system's random number generator.
    public mutating func respond(to challengeToken: [UInt8], now: Date = Date()) throws -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        return try respond(to: challengeToken, now: now, using: &rng)
    }

    /// Finishes the handshake with the token of the server's 200 (nil if it sent none) and returns the session.
    /// In SPNEGO mode the server's mechListMIC is required: without it the client's and the server's sequence
    /// numbers would disagree (pypsrp fails the same way).
    public mutating func complete(finalToken: [UInt8]?) throws -> NTLMSession {
        guard var session = pending else { throw NTLMError.unexpectedToken.detail("complete before respond") }
        pending = nil
        guard mode == .spnego, sentMechListMIC else { return session }
        guard let finalToken, case .response(let response) = try SPNEGOToken.parse(finalToken) else {
            throw NTLMError.badMIC.detail("no final SPNEGO token from the server")
        }
        guard response.state == .acceptCompleted else {
            throw NTLMError.logonFailure.detail("server did not complete the handshake")
        }
        guard let mic = response.mechListMIC else { throw NTLMError.badMIC.detail("final token without mechListMIC") }
        do {
            try session.verify(mechTypesEncoded, signature: mic)
        } catch let error as NTLMError {
            throw NTLMError.badMIC.detail("server mechListMIC: \(error)")
        }
        session.resetIncomingCipher()
        return session
    }

    private static func randomBytes(_ count: Int, _ rng: inout some RandomNumberGenerator) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
    }
}
