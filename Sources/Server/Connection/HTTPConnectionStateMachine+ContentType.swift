extension HTTPConnectionStateMachine {
    /// `application/soap+xml` with any parameters, or the MS-WSMV encrypted multipart form.
    static func isAcceptedContentType(_ value: String?) -> Bool {
        guard let value else { return false }
        if let ascii = isAcceptedASCIIContentType(value) { return ascii }
        let first = value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let mediaType = String(first.filter { $0 != " " && $0 != "\t" }).lowercased()
        return mediaType == "application/soap+xml" || mediaType == "multipart/encrypted"
    }

    /// `isAcceptedContentType` byte by byte for an ASCII value (where a character is a byte, or CR LF, which no
    /// accepted type contains); nil for anything else.
    private static func isAcceptedASCIIContentType(_ value: String) -> Bool? {
        // Both accepted types are matched as the media type goes by, so nothing is copied.
        var soap = MediaTypeMatch(soapMediaType)
        var encrypted = MediaTypeMatch(encryptedMediaType)
        for byte in value.utf8 {
            if byte >= 0x80 { return nil }
            if byte == UInt8(ascii: ";") { break }
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { continue }
            let lower = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            soap.next(lower)
            encrypted.next(lower)
        }
        return soap.isComplete || encrypted.isComplete
    }

    private static let soapMediaType = Array("application/soap+xml".utf8)
    private static let encryptedMediaType = Array("multipart/encrypted".utf8)

    /// How far a media type, byte by byte, has followed `expected`.
    private struct MediaTypeMatch {
        let expected: [UInt8]
        var matched = 0
        var failed = false

        init(_ expected: [UInt8]) { self.expected = expected }

        mutating func next(_ byte: UInt8) {
            guard !failed, matched < expected.count, expected[matched] == byte else {
                failed = true
                return
            }
            matched += 1
        }

        var isComplete: Bool { !failed && matched == expected.count }
    }
}
