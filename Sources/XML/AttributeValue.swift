import CLibXML2

/// Attribute values as libxml2's SAX2 interface delivers them without entity substitution: every reference is
/// already decoded except an ampersand, which comes as the character reference `&#38;` (libxml2 leaves it for
/// the tree builder). This finishes the job the way the tree builder does.
enum AttributeValue {
    static let xmlNamespace = "http://www.w3.org/XML/1998/namespace"

    /// The value between `start` and `end` as delivered, `&#38;` left as it is.
    static func raw(start: UnsafePointer<xmlChar>?, end: UnsafePointer<xmlChar>?) -> String {
        guard let start, let end, end > start else { return "" }
        return String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self)
    }

    /// The value between `start` and `end` (not NUL-terminated), with references decoded.
    static func decode(start: UnsafePointer<xmlChar>?, end: UnsafePointer<xmlChar>?) -> String {
        guard let start, let end, end > start else { return "" }
        let raw = UnsafeBufferPointer(start: start, count: end - start)
        guard raw.contains(UInt8(ascii: "&")) else { return String(decoding: raw, as: UTF8.self) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            if raw[index] == UInt8(ascii: "&"), let (scalar, length) = reference(in: raw, at: index) {
                bytes.append(contentsOf: String(Character(scalar)).utf8)
                index += length
            } else {
                bytes.append(raw[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static let predefined: [(name: [UInt8], scalar: Unicode.Scalar)] = [
        (Array("amp".utf8), "&"), (Array("lt".utf8), "<"), (Array("gt".utf8), ">"),
        (Array("quot".utf8), "\""), (Array("apos".utf8), "'"),
    ]

    /// The character a reference starting at `start` (an ampersand) stands for, and its length in bytes.
    private static func reference(
        in raw: UnsafeBufferPointer<UInt8>, at start: Int
    ) -> (Unicode.Scalar, Int)? {
        guard let semicolon = raw[start...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else { return nil }
        let body = raw[(start + 1)..<semicolon]
        let length = semicolon - start + 1
        if body.first == UInt8(ascii: "#") {
            var digits = body.dropFirst()
            var radix: UInt32 = 10
            if digits.first == UInt8(ascii: "x") {
                radix = 16
                digits = digits.dropFirst()
            }
            guard !digits.isEmpty else { return nil }
            var value: UInt32 = 0
            for digit in digits {
                guard let number = hexValue(digit), number < radix else { return nil }
                value = value * radix + number
                if value > 0x10FFFF { return nil }
            }
            return Unicode.Scalar(value).map { ($0, length) }
        }
        guard let entry = predefined.first(where: { $0.name.elementsEqual(body) }) else { return nil }
        return (entry.scalar, length)
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
