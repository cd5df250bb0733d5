import Foundation

/// MS-WSMV 2.2.9.1 message encryption over HTTP: a SOAP body sealed with the connection's ``NTLMSession`` and
/// framed as `multipart/encrypted`.
///
/// ```
/// --Encrypted Boundary\r\n
/// \tContent-Type: application/HTTP-SPNEGO-session-encrypted\r\n
/// \tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=<plaintext octets>\r\n
/// --Encrypted Boundary\r\n
/// \tContent-Type: application/octet-stream\r\n
/// <UInt32 LE 16><16-byte signature><sealed plaintext>--Encrypted Boundary--\r\n
/// ```
public enum EncryptedMessage {
    /// The `protocol` of the multipart/encrypted Content-Type and the first part's Content-Type.
    public static let protocolName = "application/HTTP-SPNEGO-session-encrypted"
    /// The MIME boundary every known client and Windows use.
    public static let boundary = "Encrypted Boundary"
    /// The exact Content-Type header of an encrypted response (pywinrm looks for the `protocol="…"` substring,
    /// pypsrp needs the quoted boundary).
    public static let contentType = "multipart/encrypted;protocol=\"\(protocolName)\";boundary=\"\(boundary)\""
    /// The original content type wmilab declares for the SOAP responses it seals.
    public static let soapContentType = "application/soap+xml;charset=UTF-8"

    /// A decrypted request: the SOAP body and the content type it had before encryption.
    public struct Decoded: Hashable, Sendable {
        /// The `type=` of `OriginalContent`, e.g. `application/soap+xml;charset=UTF-8`.
        public var originalContentType: String
        /// The decrypted, signature-checked body.
        public var plaintext: [UInt8]
    }

    /// Whether a request's Content-Type announces an MS-WSMV SPNEGO-encrypted body.
    public static func isEncrypted(contentType: String) -> Bool {
        guard let parsed = try? ContentType(parsing: contentType) else { return false }
        return parsed.mediaType == "multipart/encrypted"
            && parsed.parameter("protocol")?.lowercased() == protocolName.lowercased()
    }

    /// Checks the framing of an encrypted request body, unseals it with `session` and checks `Length=`.
    ///
    /// The session's incoming sequence number and RC4 state advance only when the framing is valid; after a
    /// signature error the session is out of step with the client and the connection should be closed.
    public static func decode(body: [UInt8], contentType: String, session: inout NTLMSession) throws -> Decoded {
        let header = try ContentType(parsing: contentType)
        guard header.mediaType == "multipart/encrypted" else {
            throw malformed("Content-Type \(header.mediaType)")
        }
        guard header.parameter("protocol")?.lowercased() == protocolName.lowercased() else {
            throw malformed("protocol \(header.parameter("protocol") ?? "missing")")
        }
        guard let boundary = header.parameter("boundary"), !boundary.isEmpty, boundary.utf8.count <= 70 else {
            throw malformed("no usable boundary")
        }
        let delimiter = Array("--\(boundary)\r\n".utf8)
        var reader = BodyReader(body)
        try reader.expect(delimiter, "opening boundary")
        guard let headerEnd = reader.find(delimiter), headerEnd - reader.position <= 4096 else {
            throw malformed("no second boundary after the first part's headers")
        }
        let firstPart = try reader.text(upTo: headerEnd)
        try reader.expect(delimiter, "second boundary")
        let (originalType, length) = try parseFirstPart(firstPart)

        guard let lineEnd = reader.find(Array("\r\n".utf8)), lineEnd - reader.position <= 256 else {
            throw malformed("second part has no header line")
        }
        let partHeader = try reader.text(upTo: lineEnd)
        try reader.expect(Array("\r\n".utf8), "line end")
        guard let (name, value) = headerField(partHeader), name == "content-type",
            value.lowercased() == "application/octet-stream"
        else { throw malformed("second part header '\(partHeader)'") }

        let signatureLength = try reader.uint32()
        guard signatureLength == NTLMSession.signatureLength else {
            throw malformed("signature length \(signatureLength)")
        }
        let signature = try reader.bytes(NTLMSession.signatureLength)
        let trailer = Array("--\(boundary)--".utf8)
        var remaining = reader.remaining
        if remaining.count >= 2, remaining.suffix(2).elementsEqual([13, 10]) { remaining.removeLast(2) }
        guard remaining.count >= trailer.count, remaining.suffix(trailer.count).elementsEqual(trailer) else {
            throw malformed("no closing boundary")
        }
        let sealed = Array(remaining.dropLast(trailer.count))
        guard sealed.count == length else {
            throw malformed("OriginalContent Length=\(length) but \(sealed.count) encrypted bytes")
        }
        let plaintext = try session.unseal(sealed, signature: signature)
        return Decoded(originalContentType: originalType, plaintext: plaintext)
    }

    /// Seals `plaintext` with `session` and frames it; returns the body and the Content-Type header to send.
    public static func encode(
        _ plaintext: [UInt8], originalContentType: String = soapContentType, session: inout NTLMSession
    ) throws -> (body: [UInt8], contentType: String) {
        let (signature, sealed) = try session.seal(plaintext)
        var body = Array("--\(boundary)\r\n".utf8)
        body += Array("\tContent-Type: \(protocolName)\r\n".utf8)
        body += Array("\tOriginalContent: type=\(originalContentType);Length=\(plaintext.count)\r\n".utf8)
        body += Array("--\(boundary)\r\n".utf8)
        body += Array("\tContent-Type: application/octet-stream\r\n".utf8)
        body += MessageWriter.littleEndian(UInt32(signature.count))
        body += signature
        body += sealed
        body += Array("--\(boundary)--\r\n".utf8)
        return (body, contentType)
    }

    private static func parseFirstPart(_ text: String) throws -> (type: String, length: Int) {
        var sawProtocol = false
        var original: (String, Int)?
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: true) {
            guard let (name, value) = headerField(String(line)) else { throw malformed("header line '\(line)'") }
            switch name {
            case "content-type":
                guard value.lowercased() == protocolName.lowercased() else { throw malformed("first part \(value)") }
                sawProtocol = true
            case "originalcontent":
                original = try parseOriginalContent(value)
            default:
                continue
            }
        }
        guard sawProtocol else { throw malformed("first part without Content-Type") }
        guard let original else { throw malformed("no OriginalContent") }
        return original
    }

    /// `type=application/soap+xml;charset=UTF-8;Length=123`: everything before `;Length=` is the type.
    private static func parseOriginalContent(_ value: String) throws -> (String, Int) {
        guard value.lowercased().hasPrefix("type="),
            let range = value.range(of: ";length=", options: [.caseInsensitive, .backwards])
        else { throw malformed("OriginalContent '\(value)'") }
        let type = String(value[value.index(value.startIndex, offsetBy: 5)..<range.lowerBound])
        let digits = value[range.upperBound...]
        guard !digits.isEmpty, digits.count <= 10, digits.allSatisfy(\.isASCIIDigit), let length = Int(digits) else {
            throw malformed("OriginalContent length '\(digits)'")
        }
        return (type, length)
    }

    private static func headerField(_ line: String) -> (name: String, value: String)? {
        guard let colon = line.firstIndex(of: ":") else { return nil }
        let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        return name.isEmpty ? nil : (name, value)
    }

    private static func malformed(_ detail: String) -> NTLMError {
        NTLMError.malformedEncryptedMessage.detail(detail)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
