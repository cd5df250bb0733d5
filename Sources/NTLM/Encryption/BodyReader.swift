/// A cursor over a multipart/encrypted body; every read past the end throws.
struct BodyReader {
    private let data: [UInt8]
    private(set) var position = 0

    init(_ data: [UInt8]) { self.data = data }

    var remaining: ArraySlice<UInt8> { data[position...] }

    /// Index of the next occurrence of `needle` at or after the cursor.
    func find(_ needle: [UInt8]) -> Int? {
        guard !needle.isEmpty, data.count >= needle.count else { return nil }
        var index = position
        while index <= data.count - needle.count {
            if data[index] == needle[0], data[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    mutating func expect(_ literal: [UInt8], _ what: String) throws {
        guard data.count - position >= literal.count,
            data[position..<position + literal.count].elementsEqual(literal)
        else { throw NTLMError.malformedEncryptedMessage.detail("expected \(what) at offset \(position)") }
        position += literal.count
    }

    /// The bytes up to `end` as text (headers are ASCII; anything else is refused).
    mutating func text(upTo end: Int) throws -> String {
        let slice = data[position..<end]
        guard slice.allSatisfy({ $0 < 0x80 }) else {
            throw NTLMError.malformedEncryptedMessage.detail("non-ASCII bytes in part headers")
        }
        position = end
        return String(decoding: slice, as: UTF8.self)
    }

    mutating func uint32() throws -> UInt32 {
        let b = try bytes(4)
        return UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16 | UInt32(b[3]) << 24
    }

    mutating func bytes(_ count: Int) throws -> [UInt8] {
        guard data.count - position >= count else {
            throw NTLMError.malformedEncryptedMessage.detail("\(count) bytes wanted at offset \(position), body ends")
        }
        defer { position += count }
        return Array(data[position..<position + count])
    }
}
