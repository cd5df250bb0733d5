/// NEGOTIATE_MESSAGE (type 1, MS-NLMP 2.2.1.1): the client's opening flags.
struct NegotiateMessage: Sendable {
    var flags: NTLMNegotiateFlags
    /// The message as received; the MIC covers it.
    var bytes: [UInt8]

    init(parsing bytes: [UInt8]) throws {
        guard bytes.count <= NTLMMessage.maximumLength else {
            throw NTLMError.malformedToken.detail("NEGOTIATE of \(bytes.count) bytes")
        }
        let buffer = MessageBuffer(bytes)
        try buffer.checkHeader(type: 1, minimumLength: 32)
        flags = NTLMNegotiateFlags(rawValue: try buffer.uint32(at: 12))
        if flags.contains(.version), bytes.count < 40 {
            throw NTLMError.malformedToken.detail("NEGOTIATE announces a VERSION it does not carry")
        }
        // The supplied domain and workstation are informational only; still, they must lie inside the message.
        _ = try buffer.field(at: 16, name: "DomainName")
        _ = try buffer.field(at: 24, name: "Workstation")
        self.bytes = bytes
    }
}
