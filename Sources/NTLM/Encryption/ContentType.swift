/// A parsed `Content-Type` header value: media type and parameters (RFC 9110 §8.3, quoted strings included).
struct ContentType {
    /// Lower-cased `type/subtype`.
    var mediaType: String
    /// Parameter names lower-cased, values unquoted.
    var parameters: [(name: String, value: String)]

    func parameter(_ name: String) -> String? { parameters.first { $0.name == name }?.value }

    init(parsing header: String) throws {
        guard header.utf8.count <= 1024 else { throw Self.error("Content-Type of \(header.utf8.count) bytes") }
        var scalars = Substring(header).unicodeScalars[...]
        func skipSpace() { while let c = scalars.first, c == " " || c == "\t" { scalars.removeFirst() } }
        func token() -> String {
            var out = ""
            while let c = scalars.first, c != ";", c != "=", c != " ", c != "\t" {
                out.unicodeScalars.append(c)
                scalars.removeFirst()
            }
            return out
        }
        skipSpace()
        mediaType = token().lowercased()
        guard mediaType.contains("/") else { throw Self.error("media type '\(mediaType)'") }
        parameters = []
        while true {
            skipSpace()
            guard let separator = scalars.first else { break }
            guard separator == ";" else { throw Self.error("unexpected '\(separator)'") }
            scalars.removeFirst()
            skipSpace()
            if scalars.isEmpty { break }
            let name = token().lowercased()
            guard !name.isEmpty, scalars.first == "=" else { throw Self.error("parameter without value") }
            scalars.removeFirst()
            var value = ""
            if scalars.first == "\"" {
                scalars.removeFirst()
                var closed = false
                while let c = scalars.popFirst() {
                    if c == "\"" {
                        closed = true
                        break
                    }
                    if c == "\\", let escaped = scalars.popFirst() {
                        value.unicodeScalars.append(escaped)
                    } else {
                        value.unicodeScalars.append(c)
                    }
                }
                guard closed else { throw Self.error("unterminated quoted string") }
            } else {
                value = token()
            }
            parameters.append((name, value))
        }
    }

    private static func error(_ detail: String) -> NTLMError { NTLMError.malformedEncryptedMessage.detail(detail) }
}
