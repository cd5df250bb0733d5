/// AUTHENTICATE_MESSAGE (type 3, MS-NLMP 2.2.1.3): the client's proof of the password.
struct AuthenticateMessage: Sendable {
    var flags: NTLMNegotiateFlags
    var lmChallengeResponse: [UInt8]
    var ntChallengeResponse: [UInt8]
    var domainName: String
    var userName: String
    var workstation: String
    var encryptedRandomSessionKey: [UInt8]
    /// The 16-byte MIC field, when the header has room for one (payload starting at offset 88 or later).
    var mic: [UInt8]?
    /// The message as received; the MIC is computed over it with the MIC field zeroed.
    var bytes: [UInt8]

    static let micOffset = 72
    private static let headerWithMIC = 88

    init(parsing bytes: [UInt8]) throws {
        guard bytes.count <= NTLMMessage.maximumLength else {
            throw NTLMError.malformedToken.detail("AUTHENTICATE of \(bytes.count) bytes")
        }
        let buffer = MessageBuffer(bytes)
        try buffer.checkHeader(type: 3, minimumLength: 64)
        let lm = try buffer.field(at: 12, name: "LmChallengeResponse")
        let nt = try buffer.field(at: 20, name: "NtChallengeResponse")
        let domain = try buffer.field(at: 28, name: "DomainName")
        let user = try buffer.field(at: 36, name: "UserName")
        let workstation = try buffer.field(at: 44, name: "Workstation")
        let sessionKey = try buffer.field(at: 52, name: "EncryptedRandomSessionKey")
        flags = NTLMNegotiateFlags(rawValue: try buffer.uint32(at: 60))

        let unicode = flags.contains(.unicode)
        lmChallengeResponse = lm.value
        ntChallengeResponse = nt.value
        domainName = try NTLMMessage.decodeString(domain.value, unicode: unicode)
        userName = try NTLMMessage.decodeString(user.value, unicode: unicode)
        self.workstation = try NTLMMessage.decodeString(workstation.value, unicode: unicode)
        encryptedRandomSessionKey = sessionKey.value

        // Payload offsets of non-empty fields tell where the fixed header ends: only a header of 88 bytes or more
        // holds Version and MIC.
        let fields = [lm, nt, domain, user, workstation, sessionKey].filter { !$0.value.isEmpty }
        let payloadStart = fields.map(\.offset).min() ?? bytes.count
        mic =
            payloadStart >= Self.headerWithMIC && bytes.count >= Self.headerWithMIC
            ? try buffer.slice(at: Self.micOffset, count: 16) : nil
        self.bytes = bytes
    }

    /// The message with its MIC field zeroed, as the MIC is computed.
    var bytesWithoutMIC: [UInt8] {
        var copy = bytes
        guard mic != nil else { return copy }
        for index in Self.micOffset..<Self.micOffset + 16 { copy[index] = 0 }
        return copy
    }
}
