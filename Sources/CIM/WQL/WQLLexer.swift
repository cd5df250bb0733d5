/// Splits a WQL query into tokens. Strings take single or double quotes with backslash escapes, as WMI's WQL does.
struct WQLLexer {
    private let scalars: [Unicode.Scalar]
    private var index = 0

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    /// Every token of the text, ending with `.end`.
    static func tokenize(_ text: String) throws -> [WQLToken] {
        var lexer = WQLLexer(text)
        var tokens: [WQLToken] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private var column: Int { index + 1 }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        let at = index + offset
        return at < scalars.count ? scalars[at] : nil
    }

    mutating func next() throws -> WQLToken {
        while let scalar = peek(), scalar.properties.isWhitespace { index += 1 }
        let start = column
        guard let scalar = peek() else { return WQLToken(kind: .end, position: start) }
        switch scalar {
        case "(": index += 1; return WQLToken(kind: .leftParenthesis, position: start)
        case ")": index += 1; return WQLToken(kind: .rightParenthesis, position: start)
        case ",": index += 1; return WQLToken(kind: .comma, position: start)
        case "*": index += 1; return WQLToken(kind: .star, position: start)
        case "=": index += 1; return WQLToken(kind: .comparison(.equal), position: start)
        case "<":
            index += 1
            if peek() == ">" { index += 1; return WQLToken(kind: .comparison(.notEqual), position: start) }
            if peek() == "=" { index += 1; return WQLToken(kind: .comparison(.lessThanOrEqual), position: start) }
            return WQLToken(kind: .comparison(.lessThan), position: start)
        case ">":
            index += 1
            if peek() == "=" { index += 1; return WQLToken(kind: .comparison(.greaterThanOrEqual), position: start) }
            return WQLToken(kind: .comparison(.greaterThan), position: start)
        case "!":
            guard peek(1) == "=" else { throw WQLError.syntax("expected '=' after '!'", at: start) }
            index += 2
            return WQLToken(kind: .comparison(.notEqualBang), position: start)
        case "'", "\"":
            return WQLToken(kind: .string(try readString(quote: scalar)), position: start)
        case "{":
            return WQLToken(kind: .objectPath(try readObjectPath()), position: start)
        case "-", "+", ".", "0"..."9":
            return try readNumber()
        default:
            if scalar == "_" || scalar.properties.isAlphabetic {
                var name = String.UnicodeScalarView()
                while let next = peek(), next == "_" || next.properties.isAlphabetic || ("0"..."9").contains(next) {
                    name.append(next)
                    index += 1
                }
                return WQLToken(kind: .identifier(String(name)), position: start)
            }
            throw WQLError.syntax("unexpected character '\(scalar)'", at: start)
        }
    }

    private mutating func readString(quote: Unicode.Scalar) throws -> String {
        let start = column
        index += 1
        var text = String.UnicodeScalarView()
        while let scalar = peek() {
            index += 1
            if scalar == quote { return String(text) }
            if scalar == "\\" {
                guard let escaped = peek() else { break }
                index += 1
                text.append(escaped)
            } else {
                text.append(scalar)
            }
        }
        throw WQLError.syntax("unterminated string", at: start)
    }

    /// Reads `{…}` up to the matching brace; braces inside quoted key values do not count.
    private mutating func readObjectPath() throws -> String {
        let start = column
        index += 1
        var text = String.UnicodeScalarView()
        var quote: Unicode.Scalar?
        while let scalar = peek() {
            index += 1
            if let open = quote {
                if scalar == "\\", let escaped = peek() {
                    text.append(scalar)
                    text.append(escaped)
                    index += 1
                    continue
                }
                if scalar == open { quote = nil }
            } else if scalar == "\"" || scalar == "'" {
                quote = scalar
            } else if scalar == "}" {
                return Self.trimmed(String(text))
            }
            text.append(scalar)
        }
        throw WQLError.syntax("object path is missing its closing '}'", at: start)
    }

    private mutating func readNumber() throws -> WQLToken {
        let start = column
        var text = String.UnicodeScalarView()
        if let sign = peek(), sign == "-" || sign == "+" {
            text.append(sign)
            index += 1
        }
        if peek() == "0", let x = peek(1), x == "x" || x == "X" {
            index += 2
            var hex = String.UnicodeScalarView()
            while let digit = peek(), digit.properties.isASCIIHexDigit {
                hex.append(digit)
                index += 1
            }
            guard !hex.isEmpty, let magnitude = UInt64(String(hex), radix: 16) else {
                throw WQLError.syntax("malformed hexadecimal number", at: start)
            }
            let negative = text.first == "-"
            return WQLToken(kind: .integer((negative ? "-" : "") + String(magnitude)), position: start)
        }
        var isReal = false
        var sawDigit = false
        while let scalar = peek() {
            if ("0"..."9").contains(scalar) {
                sawDigit = true
            } else if scalar == "." && !isReal {
                isReal = true
            } else if (scalar == "e" || scalar == "E") && sawDigit {
                isReal = true
                text.append(scalar)
                index += 1
                if let sign = peek(), sign == "-" || sign == "+" {
                    text.append(sign)
                    index += 1
                }
                continue
            } else {
                break
            }
            text.append(scalar)
            index += 1
        }
        let literal = String(text)
        guard sawDigit else { throw WQLError.syntax("malformed number '\(literal)'", at: start) }
        if isReal {
            guard let value = Double(literal), value.isFinite else {
                throw WQLError.syntax("malformed number '\(literal)'", at: start)
            }
            return WQLToken(kind: .real(value), position: start)
        }
        return WQLToken(kind: .integer(literal), position: start)
    }

    private static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
