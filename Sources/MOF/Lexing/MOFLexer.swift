/// Turns MOF source bytes into tokens, working on UTF-8 bytes directly.
public struct MOFLexer: Sendable {
    private let bytes: [UInt8]
    private let file: String
    private var offset = 0
    private var line = 1
    private var lineStart = 0

    public init(source: String, file: String) {
        self.init(bytes: Array(source.utf8), file: file)
    }

    public init(bytes: [UInt8], file: String) {
        var b = bytes
        if b.starts(with: [0xEF, 0xBB, 0xBF]) { b.removeFirst(3) }
        self.bytes = b
        self.file = file
    }

    private var location: MOFSourceLocation {
        MOFSourceLocation(file: file, line: line, column: offset - lineStart + 1)
    }

    private func peek(_ ahead: Int = 0) -> UInt8? {
        offset + ahead < bytes.count ? bytes[offset + ahead] : nil
    }

    /// The next token; `.endOfFile` at the end (and every call after). Whatever it throws on, it has
    /// stepped over, so a caller that keeps calling after an error reaches the end.
    public mutating func next() throws -> MOFToken {
        try skipTrivia()
        let start = location
        guard let c = peek() else { return MOFToken(kind: .endOfFile, location: start) }
        switch c {
        case UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["),
            UInt8(ascii: "]"), UInt8(ascii: ";"), UInt8(ascii: ","), UInt8(ascii: ":"), UInt8(ascii: "="):
            offset += 1
            return MOFToken(kind: .punctuation(c), location: start)
        case UInt8(ascii: "\""):
            return MOFToken(kind: .string(try quoted(UInt8(ascii: "\""), start)), location: start)
        case UInt8(ascii: "'"):
            let text = try quoted(UInt8(ascii: "'"), start)
            guard text.count == 1, let ch = text.first else {
                throw MOFSyntaxError("a char16 literal holds exactly one character", at: start)
            }
            return MOFToken(kind: .char16(ch), location: start)
        case UInt8(ascii: "#"):
            offset += 1
            let word = identifierText()
            guard word.lowercased() == "pragma" else {
                throw MOFSyntaxError("expected '#pragma'", at: start)
            }
            return MOFToken(kind: .pragma, location: start)
        case UInt8(ascii: "$"):
            offset += 1
            let name = identifierText()
            guard !name.isEmpty else { throw MOFSyntaxError("expected an alias name after '$'", at: start) }
            return MOFToken(kind: .alias(name), location: start)
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."):
            return MOFToken(kind: try number(start), location: start)
        default:
            if Self.isIdentifierStart(c) {
                return MOFToken(kind: .identifier(identifierText()), location: start)
            }
            // Step over the character, so that a parser recovering from the error makes progress.
            offset += 1
            throw MOFSyntaxError("unexpected character '\(Character(Unicode.Scalar(c)))'", at: start)
        }
    }

    static func isIdentifierStart(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == UInt8(ascii: "_") || c >= 0x80
    }

    private mutating func identifierText() -> String {
        let start = offset
        while let c = peek(), Self.isIdentifierStart(c) || (c >= 0x30 && c <= 0x39) { offset += 1 }
        return String(decoding: bytes[start..<offset], as: UTF8.self)
    }

    private mutating func skipTrivia() throws {
        while let c = peek() {
            if c == UInt8(ascii: "\n") {
                offset += 1
                line += 1
                lineStart = offset
            } else if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") || c == 0x0C {
                offset += 1
            } else if c == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "/") {
                while let d = peek(), d != UInt8(ascii: "\n") { offset += 1 }
            } else if c == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
                let start = location
                offset += 2
                while true {
                    guard let d = peek() else { throw MOFSyntaxError("unterminated comment", at: start) }
                    if d == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") {
                        offset += 2
                        break
                    }
                    offset += 1
                    if d == UInt8(ascii: "\n") {
                        line += 1
                        lineStart = offset
                    }
                }
            } else {
                return
            }
        }
    }

    private mutating func quoted(_ quote: UInt8, _ start: MOFSourceLocation) throws -> String {
        offset += 1
        // Most literals have no escapes: take them straight from the source.
        var end = offset
        while end < bytes.count, bytes[end] != quote, bytes[end] != UInt8(ascii: "\\"), bytes[end] != 0x0A {
            end += 1
        }
        if end < bytes.count, bytes[end] == quote {
            defer { offset = end + 1 }
            return String(decoding: bytes[offset..<end], as: UTF8.self)
        }
        var out: [UInt8] = []
        while true {
            guard let c = peek(), c != UInt8(ascii: "\n") else {
                throw MOFSyntaxError("unterminated literal", at: start)
            }
            offset += 1
            if c == quote { break }
            guard c == UInt8(ascii: "\\") else {
                out.append(c)
                continue
            }
            let escapeAt = location
            guard let e = peek() else { throw MOFSyntaxError("unterminated literal", at: start) }
            offset += 1
            switch e {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "\\"): out.append(e)
            case UInt8(ascii: "x"), UInt8(ascii: "X"):
                var value: UInt32 = 0
                var digits = 0
                while digits < 4, let h = peek(), let v = Self.hexValue(h) {
                    value = value * 16 + UInt32(v)
                    digits += 1
                    offset += 1
                }
                guard digits > 0, let scalar = Unicode.Scalar(value) else {
                    throw MOFSyntaxError("invalid \\x escape", at: escapeAt)
                }
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            default:
                throw MOFSyntaxError("unknown escape '\\\(Character(Unicode.Scalar(e)))'", at: escapeAt)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x41...0x46: c - 0x41 + 10
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }

    private mutating func number(_ start: MOFSourceLocation) throws -> MOFToken.Kind {
        let begin = offset
        var negative = false
        if let s = peek(), s == UInt8(ascii: "-") || s == UInt8(ascii: "+") {
            negative = s == UInt8(ascii: "-")
            offset += 1
        }
        let digitsStart = offset
        while let c = peek(), Self.hexValue(c) != nil || c == UInt8(ascii: ".") || c == UInt8(ascii: "x")
            || c == UInt8(ascii: "X")
            || ((c == UInt8(ascii: "+") || c == UInt8(ascii: "-"))
                && (bytes[offset - 1] == UInt8(ascii: "e") || bytes[offset - 1] == UInt8(ascii: "E"))
                && !bytes[digitsStart..<offset].contains(where: { $0 == UInt8(ascii: "x") || $0 == UInt8(ascii: "X") }))
        {
            offset += 1
        }
        let body = Array(bytes[digitsStart..<offset])
        let text = String(decoding: bytes[begin..<offset], as: UTF8.self)
        func fail() -> MOFSyntaxError { MOFSyntaxError("invalid number '\(text)'", at: start) }
        guard !body.isEmpty else { throw fail() }
        let isHex = body.count > 2 && body[0] == UInt8(ascii: "0") && (body[1] | 0x20) == UInt8(ascii: "x")
        if !isHex, body.contains(UInt8(ascii: ".")) || body.contains(where: { $0 | 0x20 == UInt8(ascii: "e") }) {
            guard let v = Double(text) else { throw fail() }
            return .real(v)
        }
        var radix: UInt64 = 10
        var digits = body[...]
        if isHex {
            radix = 16
            digits = body[2...]
        } else if body.count > 1, body.last.map({ $0 | 0x20 }) == UInt8(ascii: "b") {
            radix = 2
            digits = body.dropLast()
        } else if body.count > 1, body[0] == UInt8(ascii: "0") {
            radix = 8
            digits = body.dropFirst()
        }
        var magnitude: UInt64 = 0
        for d in digits {
            guard let v = Self.hexValue(d), UInt64(v) < radix else { throw fail() }
            let (m, o1) = magnitude.multipliedReportingOverflow(by: radix)
            let (s, o2) = m.addingReportingOverflow(UInt64(v))
            guard !o1, !o2 else { throw MOFSyntaxError("integer '\(text)' does not fit in 64 bits", at: start) }
            magnitude = s
        }
        return .integer(negative: negative, magnitude: magnitude)
    }
}
