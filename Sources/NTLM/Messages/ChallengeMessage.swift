/// CHALLENGE_MESSAGE (type 2, MS-NLMP 2.2.1.2): the server's answer to a NEGOTIATE.
struct ChallengeMessage: Sendable {
    var flags: NTLMNegotiateFlags
    var serverChallenge: [UInt8]
    var targetName: [UInt8]
    var targetInfo: AVPairs
    /// The message as sent; the MIC covers it.
    var bytes: [UInt8]

    private static let headerLength = 56

    /// Builds the CHALLENGE for `flags` (already the answer to the client's NEGOTIATE).
    init(flags: NTLMNegotiateFlags, serverChallenge: [UInt8], targetName: String, targetInfo: AVPairs) {
        self.flags = flags
        self.serverChallenge = serverChallenge
        self.targetName =
            flags.contains(.unicode)
            ? NTLMMessage.utf16LittleEndian(targetName) : Array(targetName.utf8)
        self.targetInfo = targetInfo
        var writer = MessageWriter(type: 2, headerLength: Self.headerLength)
        writer.appendField(self.targetName)
        writer.appendUInt32(flags.rawValue)
        writer.appendBytes(serverChallenge)
        writer.appendBytes([UInt8](repeating: 0, count: 8))
        writer.appendField(targetInfo.bytes)
        writer.appendBytes(flags.contains(.version) ? NTLMMessage.serverVersion : [UInt8](repeating: 0, count: 8))
        bytes = writer.message
    }

    init(parsing bytes: [UInt8]) throws {
        guard bytes.count <= NTLMMessage.maximumLength else {
            throw NTLMError.malformedToken.detail("CHALLENGE of \(bytes.count) bytes")
        }
        let buffer = MessageBuffer(bytes)
        try buffer.checkHeader(type: 2, minimumLength: 48)
        targetName = try buffer.field(at: 12, name: "TargetName").value
        flags = NTLMNegotiateFlags(rawValue: try buffer.uint32(at: 20))
        serverChallenge = try buffer.slice(at: 24, count: 8)
        let info = try buffer.field(at: 40, name: "TargetInfo").value
        targetInfo = info.isEmpty ? AVPairs() : try AVPairs(parsing: info)
        self.bytes = bytes
    }
}
