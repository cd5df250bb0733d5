/// Bounds-checked little-endian reads from one NTLM message; every read that would leave the buffer throws.
struct MessageBuffer {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func uint16(at offset: Int) throws -> UInt16 {
        let b = try slice(at: offset, count: 2)
        return UInt16(b[0]) | UInt16(b[1]) << 8
    }

    func uint32(at offset: Int) throws -> UInt32 {
        let b = try slice(at: offset, count: 4)
        return UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16 | UInt32(b[3]) << 24
    }

    func slice(at offset: Int, count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= bytes.count, count <= bytes.count - offset else {
            throw NTLMError.malformedToken.detail("\(count) bytes at offset \(offset) in a \(bytes.count)-byte message")
        }
        return Array(bytes[offset..<offset + count])
    }

    /// A payload field: its 8-byte header (Len, MaxLen, Offset) at `headerOffset`, the bytes it points at.
    func field(at headerOffset: Int, name: String) throws -> Field {
        let length = Int(try uint16(at: headerOffset))
        let offset = Int(try uint32(at: headerOffset + 4))
        guard offset <= bytes.count, length <= bytes.count - offset else {
            throw NTLMError.malformedToken.detail("\(name): \(length) bytes at offset \(offset) past the end")
        }
        return Field(offset: offset, value: Array(bytes[offset..<offset + length]))
    }

    struct Field {
        var offset: Int
        var value: [UInt8]
    }

    /// Checks the `NTLMSSP\0` signature and the message type.
    func checkHeader(type: UInt32, minimumLength: Int) throws {
        guard bytes.count >= minimumLength else {
            throw NTLMError.malformedToken.detail("message of \(bytes.count) bytes, need \(minimumLength)")
        }
        guard bytes.starts(with: NTLMMessage.signature) else {
            throw NTLMError.malformedToken.detail("no NTLMSSP signature")
        }
        let actual = try uint32(at: 8)
        guard actual == type else {
            throw NTLMError.unexpectedToken.detail("NTLM message type \(actual), expected \(type)")
        }
    }
}

/// Writes NTLM messages: a fixed header with field descriptors, then the payload they point at.
struct MessageWriter {
    private(set) var header: [UInt8]
    private var payload: [UInt8] = []
    private let headerLength: Int

    init(type: UInt32, headerLength: Int) {
        self.headerLength = headerLength
        header = NTLMMessage.signature
        header.reserveCapacity(headerLength)
        appendUInt32(type)
    }

    mutating func appendUInt16(_ value: UInt16) { header += [UInt8(value & 0xff), UInt8(value >> 8)] }

    mutating func appendUInt32(_ value: UInt32) { header += Self.littleEndian(value) }

    mutating func appendBytes(_ bytes: [UInt8]) { header += bytes }

    /// Appends a field descriptor to the header and `value` to the payload.
    mutating func appendField(_ value: [UInt8]) {
        let offset = UInt32(headerLength + payload.count)
        let length = UInt16(clamping: value.count)
        appendUInt16(length)
        appendUInt16(length)
        appendUInt32(offset)
        payload += value.prefix(Int(length))
    }

    var message: [UInt8] {
        precondition(header.count == headerLength, "NTLM header is \(header.count) bytes, declared \(headerLength)")
        return header + payload
    }

    static func littleEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value & 0xff), UInt8(value >> 8 & 0xff), UInt8(value >> 16 & 0xff), UInt8(value >> 24)]
    }

    static func littleEndian(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }
}
