import Foundation

/// The server side of one connection's NTLM handshake, raw (`NTLMSSP` tokens) or wrapped in SPNEGO.
///
/// A plain value: feed it each token the client sends (the base64-decoded value of `Authorization: Negotiate …`
/// or `Authorization: NTLM …`) and perform the returned ``Action``. Keep one acceptor per TCP connection: NTLM is
/// connection-bound. After `.rejected` the acceptor is back at the start and a new handshake may follow; after
/// `.accepted` a new NEGOTIATE also starts over.
///
/// Only NTLMv2 is accepted; NTLMv1, LM and anonymous logons are rejected, as is any SPNEGO token that does not
/// offer NTLM (Kerberos-only clients).
public struct NTLMAcceptor: Sendable {
    /// What the server knows about itself and its users.
    public struct Configuration: Sendable {
        /// The accounts that may log on.
        public var users: [NTLMUser]
        /// NetBIOS name of the server (MsvAvNbComputerName), upper case by convention.
        public var computerName: String
        /// NetBIOS domain name (MsvAvNbDomainName and the CHALLENGE's TargetName).
        public var domainName: String
        /// MsvAvDnsComputerName.
        public var dnsComputerName: String
        /// MsvAvDnsDomainName.
        public var dnsDomainName: String

        /// `dnsComputerName` and `dnsDomainName` default to the lower-cased NetBIOS names.
        public init(
            users: [NTLMUser], computerName: String, domainName: String,
            dnsComputerName: String? = nil, dnsDomainName: String? = nil
        ) {
            self.users = users
            self.computerName = computerName
            self.domainName = domainName
            self.dnsComputerName = dnsComputerName ?? computerName.lowercased()
            self.dnsDomainName = dnsDomainName ?? domainName.lowercased()
        }
    }

    /// What the server does with the HTTP request that carried the token.
    public enum Action: Sendable {
        /// Answer 401 with `WWW-Authenticate: <scheme> <base64 token>`.
        case challenge([UInt8])
        /// Serve the request. When `finalToken` is not nil (SPNEGO), the response MUST carry it as
        /// `WWW-Authenticate: Negotiate <base64>`: the client checks its mechListMIC before decrypting anything.
        case accepted(NTLMIdentity, finalToken: [UInt8]?, session: NTLMSession)
        /// Answer 401 with a bare `WWW-Authenticate: Negotiate`; the error is for the log.
        case rejected(NTLMError)
    }

    private enum State: Sendable {
        case idle
        /// SPNEGO where NTLM was not the client's first choice: waiting for its NEGOTIATE in a NegTokenResp.
        case awaitingNegotiate(SPNEGOContext)
        case challenged(Handshake)
        case established
    }

    private struct SPNEGOContext: Sendable {
        var mechTypesEncoded: [UInt8]
        /// RFC 4178: a mechListMIC is mandatory when the selected mechanism was not the client's first.
        var micRequired: Bool
    }

    private struct Handshake: Sendable {
        var negotiate: NegotiateMessage
        var challenge: ChallengeMessage
        var spnego: SPNEGOContext?
    }

    /// Users and server names, fixed for the acceptor's lifetime.
    public let configuration: Configuration
    private var state: State = .idle
    /// Test hook: answer every NEGOTIATE with exactly this CHALLENGE message (e.g. a captured one).
    var challengeOverride: [UInt8]?

    /// An acceptor at the start of a handshake.
    public init(configuration: Configuration) { self.configuration = configuration }

    /// An acceptor with default DNS names (the lower-cased NetBIOS names).
    public init(users: [NTLMUser], computerName: String, domainName: String) {
        self.init(configuration: Configuration(users: users, computerName: computerName, domainName: domainName))
    }

    /// Whether a handshake has completed on this connection.
    public var isEstablished: Bool {
        if case .established = state { return true }
        return false
    }

    /// Processes one client token; `now` stamps the CHALLENGE, `rng` draws the server challenge.
    public mutating func receive(_ token: [UInt8], now: Date, using rng: inout some RandomNumberGenerator) -> Action {
        do {
            return try process(token, now: now, rng: &rng)
        } catch let error as NTLMError {
            state = .idle
            return .rejected(error)
        } catch {
            state = .idle
            return .rejected(NTLMError.malformedToken.detail("\(error)"))
        }
    }

    /// Processes one client token with the system's random number generator.
    public mutating func receive(_ token: [UInt8], now: Date = Date()) -> Action {
        var rng = SystemRandomNumberGenerator()
        return receive(token, now: now, using: &rng)
    }

    private mutating func process(_ token: [UInt8], now: Date, rng: inout some RandomNumberGenerator) throws -> Action {
        if NTLMMessage.isNTLM(token) {
            switch NTLMMessage.messageType(of: token) {
            case 1:
                let challenge = try makeChallenge(for: NegotiateMessage(parsing: token), spnego: nil, now, &rng)
                return .challenge(challenge.bytes)
            case 3:
                guard case .challenged(let handshake) = state, handshake.spnego == nil else {
                    throw NTLMError.unexpectedToken.detail("AUTHENTICATE without a CHALLENGE on this connection")
                }
                let (identity, session) = try authenticate(AuthenticateMessage(parsing: token), handshake)
                state = .established
                return .accepted(identity, finalToken: nil, session: session)
            default:
                throw NTLMError.unexpectedToken.detail("NTLM message type \(NTLMMessage.messageType(of: token) ?? 0)")
            }
        }
        guard SPNEGOToken.isSPNEGO(token) else {
            throw NTLMError.malformedToken.detail("neither NTLM nor SPNEGO (Kerberos is not supported)")
        }
        switch try SPNEGOToken.parse(token) {
        case .initial(let initial):
            return try start(initial, now, &rng)
        case .response(let response):
            return try `continue`(response, now, &rng)
        }
    }

    private mutating func start(_ initial: SPNEGOToken.Init, _ now: Date, _ rng: inout some RandomNumberGenerator)
        throws -> Action
    {
        guard let position = initial.mechTypes.firstIndex(of: SPNEGOToken.ntlmOID) else {
            throw NTLMError.unsupported.detail("SPNEGO without NTLM among the mechanisms (Kerberos only)")
        }
        let context = SPNEGOContext(mechTypesEncoded: initial.mechTypesEncoded, micRequired: position != 0)
        if position == 0, let mechToken = initial.mechToken {
            let negotiate = try NegotiateMessage(parsing: mechToken)
            let challenge = try makeChallenge(for: negotiate, spnego: context, now, &rng)
            let response = SPNEGOToken.Response(
                state: .acceptIncomplete, supportedMech: SPNEGOToken.ntlmOID, responseToken: challenge.bytes)
            return .challenge(response.encoded)
        }
        // No NTLM token yet (NTLM is not the first choice, or no optimistic token): ask for NTLM's NEGOTIATE.
        // RFC 4178 §5: request-mic only when the selected mechanism is not the client's first.
        state = .awaitingNegotiate(context)
        let negState: SPNEGOToken.Response.State = context.micRequired ? .requestMIC : .acceptIncomplete
        return .challenge(SPNEGOToken.Response(state: negState, supportedMech: SPNEGOToken.ntlmOID).encoded)
    }

    private mutating func `continue`(
        _ response: SPNEGOToken.Response, _ now: Date, _ rng: inout some RandomNumberGenerator
    ) throws -> Action {
        guard let token = response.responseToken else {
            throw NTLMError.unexpectedToken.detail("NegTokenResp without a responseToken")
        }
        switch state {
        case .awaitingNegotiate(let context):
            let challenge = try makeChallenge(for: NegotiateMessage(parsing: token), spnego: context, now, &rng)
            return .challenge(SPNEGOToken.Response(state: .acceptIncomplete, responseToken: challenge.bytes).encoded)
        case .challenged(let handshake):
            guard let context = handshake.spnego else {
                throw NTLMError.unexpectedToken.detail("SPNEGO token in a raw NTLM handshake")
            }
            let (identity, authenticated) = try authenticate(AuthenticateMessage(parsing: token), handshake)
            var session = authenticated
            var final = SPNEGOToken.Response(state: .acceptCompleted)
            if let clientMIC = response.mechListMIC {
                // The client's mechListMIC uses its sequence 0, ours uses ours; each side then restarts its RC4.
                do {
                    try session.verify(context.mechTypesEncoded, signature: clientMIC)
                } catch let error as NTLMError {
                    throw NTLMError.badMIC.detail("mechListMIC: \(error)")
                }
                session.resetIncomingCipher()
                final.mechListMIC = session.sign(context.mechTypesEncoded)
                session.resetOutgoingCipher()
            } else if context.micRequired {
                throw NTLMError.badMIC.detail("mechListMIC required but absent")
            }
            state = .established
            return .accepted(identity, finalToken: final.encoded, session: session)
        case .idle, .established:
            throw NTLMError.unexpectedToken.detail("NegTokenResp before any NegTokenInit on this connection")
        }
    }

    private mutating func makeChallenge(
        for negotiate: NegotiateMessage, spnego: SPNEGOContext?, _ now: Date, _ rng: inout some RandomNumberGenerator
    ) throws -> ChallengeMessage {
        let challenge: ChallengeMessage
        if let challengeOverride {
            challenge = try ChallengeMessage(parsing: challengeOverride)
        } else {
            challenge = makeChallenge(answering: negotiate.flags, now: now, rng: &rng)
        }
        state = .challenged(Handshake(negotiate: negotiate, challenge: challenge, spnego: spnego))
        return challenge
    }

    private func makeChallenge(
        answering requested: NTLMNegotiateFlags, now: Date, rng: inout some RandomNumberGenerator
    )
        -> ChallengeMessage
    {
        var flags = requested.intersection(.echoed)
        flags.formUnion([.ntlm, .targetInfo, .targetTypeDomain])
        flags.insert(requested.contains(.unicode) || !requested.contains(.oem) ? .unicode : .oem)
        if !requested.contains(.requestTarget) { flags.remove(.targetTypeDomain) }

        let random = rng.next()
        let serverChallenge = (0..<8).map { UInt8(truncatingIfNeeded: random >> ($0 * 8)) }
        var info = AVPairs()
        info.append(.nbDomainName, NTLMMessage.utf16LittleEndian(configuration.domainName))
        info.append(.nbComputerName, NTLMMessage.utf16LittleEndian(configuration.computerName))
        info.append(.dnsDomainName, NTLMMessage.utf16LittleEndian(configuration.dnsDomainName))
        info.append(.dnsComputerName, NTLMMessage.utf16LittleEndian(configuration.dnsComputerName))
        info.append(.timestamp, MessageWriter.littleEndian(Self.fileTime(now)))
        let targetName = requested.contains(.requestTarget) ? configuration.domainName : ""
        return ChallengeMessage(
            flags: flags, serverChallenge: serverChallenge, targetName: targetName, targetInfo: info)
    }

    /// Checks the NTLMv2 proof and the MIC; derives the session.
    private func authenticate(_ message: AuthenticateMessage, _ handshake: Handshake) throws
        -> (NTLMIdentity, NTLMSession)
    {
        guard !message.userName.isEmpty, !message.ntChallengeResponse.isEmpty else {
            throw NTLMError.unsupported.detail("anonymous logon")
        }
        let response = try NTLMv2Response(parsing: message.ntChallengeResponse)
        let flags = message.flags
        guard flags.contains(.extendedSessionSecurity) || flags.isDisjoint(with: [.sign, .seal]) else {
            throw NTLMError.unsupported.detail("signing or sealing without extended session security")
        }
        // A UPN (`labuser@lab.local`, empty domain) names the same account; the proof still covers the full name.
        var wanted = message.userName.uppercased()
        if message.domainName.isEmpty, let at = wanted.lastIndex(of: "@") { wanted = String(wanted[..<at]) }
        guard let user = configuration.users.first(where: { $0.name.uppercased() == wanted }) else {
            throw NTLMError.logonFailure.detail("unknown user \(message.domainName)\\\(message.userName)")
        }
        let responseKey = NTLMv2.responseKey(
            ntHash: NTLMv2.ntHash(password: user.password), user: message.userName, domain: message.domainName)
        let proof = NTLMv2.ntProofStr(
            responseKey: responseKey, serverChallenge: handshake.challenge.serverChallenge,
            blob: response.clientChallengeBlob)
        guard NTLMSession.constantTimeEqual(proof, response.ntProofStr) else {
            throw NTLMError.logonFailure.detail("NTLMv2 proof for \(message.domainName)\\\(message.userName)")
        }
        let keyExchangeKey = NTLMv2.sessionBaseKey(responseKey: responseKey, ntProofStr: proof)
        let exported = try NTLMv2.exportedSessionKey(
            keyExchangeKey: keyExchangeKey, encryptedRandomSessionKey: message.encryptedRandomSessionKey, flags: flags)

        if response.avPairs.flags & AVPairs.micPresentFlag != 0 {
            guard let mic = message.mic else { throw NTLMError.badMIC.detail("MIC announced but absent") }
            let expected = NTLMv2.mic(
                exportedSessionKey: exported, negotiate: handshake.negotiate.bytes,
                challenge: handshake.challenge.bytes, authenticate: message.bytesWithoutMIC)
            guard NTLMSession.constantTimeEqual(expected, mic) else {
                throw NTLMError.badMIC.detail("AUTHENTICATE MIC")
            }
        }
        let identity = NTLMIdentity(
            userName: user.name, domainName: message.domainName, workstation: message.workstation)
        return (identity, NTLMSession(exportedSessionKey: exported, flags: flags))
    }

    /// Windows FILETIME: 100-ns intervals since 1601-01-01.
    static func fileTime(_ date: Date) -> UInt64 {
        let seconds = max(0, date.timeIntervalSince1970 + 11_644_473_600)
        return UInt64(seconds * 10_000_000)
    }
}
