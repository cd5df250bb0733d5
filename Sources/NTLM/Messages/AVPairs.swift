/// The AV_PAIR list of MS-NLMP 2.2.2.1: the CHALLENGE's TargetInfo and the AV pairs in an NTLMv2 response.
struct AVPairs: Hashable, Sendable {
    enum ID: UInt16 {
        case eol = 0
        case nbComputerName = 1
        case nbDomainName = 2
        case dnsComputerName = 3
        case dnsDomainName = 4
        case dnsTreeName = 5
        case flags = 6
        case timestamp = 7
        case singleHost = 8
        case targetName = 9
        case channelBindings = 10
    }

    /// MsvAvFlags bit saying the AUTHENTICATE message carries a MIC.
    static let micPresentFlag: UInt32 = 0x0000_0002

    private(set) var pairs: [(id: UInt16, value: [UInt8])] = []

    init() {}

    mutating func append(_ id: ID, _ value: [UInt8]) { pairs.append((id.rawValue, value)) }

    func value(_ id: ID) -> [UInt8]? { pairs.first { $0.id == id.rawValue }?.value }

    /// MsvAvFlags as a number, 0 when absent or malformed.
    var flags: UInt32 {
        guard let value = value(.flags), value.count == 4 else { return 0 }
        return UInt32(value[0]) | UInt32(value[1]) << 8 | UInt32(value[2]) << 16 | UInt32(value[3]) << 24
    }

    /// The encoded list, terminated by MsvAvEOL.
    var bytes: [UInt8] {
        var out: [UInt8] = []
        for (id, value) in pairs where id != ID.eol.rawValue {
            out += [UInt8(id & 0xff), UInt8(id >> 8), UInt8(value.count & 0xff), UInt8(value.count >> 8 & 0xff)]
            out += value
        }
        return out + [0, 0, 0, 0]
    }

    /// Parses pairs up to MsvAvEOL; a list that runs past the buffer or has no terminator is malformed.
    init(parsing bytes: [UInt8]) throws {
        let buffer = MessageBuffer(bytes)
        var offset = 0
        while true {
            let id = try buffer.uint16(at: offset)
            let length = Int(try buffer.uint16(at: offset + 2))
            let value = try buffer.slice(at: offset + 4, count: length)
            offset += 4 + length
            if id == ID.eol.rawValue { return }
            pairs.append((id, value))
        }
    }

    static func == (lhs: AVPairs, rhs: AVPairs) -> Bool { lhs.bytes == rhs.bytes }
    func hash(into hasher: inout Hasher) { hasher.combine(bytes) }
}
