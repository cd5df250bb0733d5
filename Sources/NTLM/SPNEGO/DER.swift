/// The little of ASN.1 DER that SPNEGO needs: single-byte tags, definite lengths, bounded reads.
enum DER {
    struct Element {
        var tag: UInt8
        /// The whole element, tag and length included (the mechListMIC is computed over such bytes).
        var encoded: ArraySlice<UInt8>
        var content: ArraySlice<UInt8>
    }

    /// Reads consecutive elements out of `bytes`.
    struct Reader {
        private var remaining: ArraySlice<UInt8>

        init(_ bytes: ArraySlice<UInt8>) { remaining = bytes }

        var isAtEnd: Bool { remaining.isEmpty }

        mutating func next() throws -> Element {
            let start = remaining.startIndex
            guard remaining.count >= 2 else { throw Self.error("truncated element") }
            let tag = remaining[start]
            guard tag & 0x1f != 0x1f else { throw Self.error("multi-byte tag") }
            var index = start + 1
            let first = remaining[index]
            index += 1
            var length = 0
            if first < 0x80 {
                length = Int(first)
            } else {
                let count = Int(first & 0x7f)
                guard count >= 1, count <= 3 else { throw Self.error("length of \(count) bytes") }
                guard remaining.endIndex - index >= count else { throw Self.error("truncated length") }
                for _ in 0..<count {
                    length = length << 8 | Int(remaining[index])
                    index += 1
                }
            }
            guard length <= remaining.endIndex - index else { throw Self.error("length \(length) past the end") }
            let end = index + length
            let element = Element(tag: tag, encoded: remaining[start..<end], content: remaining[index..<end])
            remaining = remaining[end...]
            return element
        }

        /// The next element, which must carry `tag`.
        mutating func next(tag: UInt8) throws -> Element {
            let element = try next()
            guard element.tag == tag else {
                throw Self.error("tag 0x\(String(element.tag, radix: 16)), expected 0x\(String(tag, radix: 16))")
            }
            return element
        }

        static func error(_ detail: String) -> NTLMError { NTLMError.malformedToken.detail("SPNEGO: \(detail)") }
    }

    static func encode(tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        var out = [tag]
        let count = content.count
        if count < 0x80 {
            out.append(UInt8(count))
        } else if count <= 0xff {
            out += [0x81, UInt8(count)]
        } else if count <= 0xffff {
            out += [0x82, UInt8(count >> 8), UInt8(count & 0xff)]
        } else {
            out += [0x83, UInt8(count >> 16), UInt8(count >> 8 & 0xff), UInt8(count & 0xff)]
        }
        return out + content
    }

    static let sequence: UInt8 = 0x30
    static let octetString: UInt8 = 0x04
    static let objectIdentifier: UInt8 = 0x06
    static let enumerated: UInt8 = 0x0a
    static let application0: UInt8 = 0x60
    static func context(_ number: UInt8) -> UInt8 { 0xa0 | number }
}
