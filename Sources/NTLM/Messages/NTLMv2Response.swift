/// NTLMv2_RESPONSE (MS-NLMP 2.2.2.8): NTProofStr followed by the client's NTLMv2_CLIENT_CHALLENGE blob.
struct NTLMv2Response: Sendable {
    var ntProofStr: [UInt8]
    /// The NTLMv2_CLIENT_CHALLENGE as sent: the `temp` of MS-NLMP 3.3.2, hashed with the server challenge.
    var clientChallengeBlob: [UInt8]
    var timestamp: UInt64
    var avPairs: AVPairs

    /// NTProofStr (16) + RespType, HiRespType, reserved (8) + TimeStamp (8) + ChallengeFromClient (8) + reserved (4).
    private static let minimumLength = 16 + 28

    init(parsing response: [UInt8]) throws {
        guard response.count != 24 else { throw NTLMError.unsupported.detail("NTLMv1 response") }
        guard response.count >= Self.minimumLength else {
            throw NTLMError.malformedToken.detail("NTLMv2 response of \(response.count) bytes")
        }
        let buffer = MessageBuffer(response)
        ntProofStr = try buffer.slice(at: 0, count: 16)
        clientChallengeBlob = Array(response[16...])
        guard response[16] == 1, response[17] == 1 else {
            throw NTLMError.malformedToken.detail("NTLMv2 response type \(response[16]).\(response[17])")
        }
        timestamp = UInt64(try buffer.uint32(at: 24)) | UInt64(try buffer.uint32(at: 28)) << 32
        avPairs = try AVPairs(parsing: Array(response[Self.minimumLength...]))
    }
}
