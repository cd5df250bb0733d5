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
        var mediaType: [UInt8] = []
        mediaType.reserveCapacity(24)
        for byte in value.utf8 {
            if byte >= 0x80 { return nil }
            if byte == UInt8(ascii: ";") { break }
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { continue }
            mediaType.append(byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte)
        }
        return mediaType.elementsEqual("application/soap+xml".utf8)
            || mediaType.elementsEqual("multipart/encrypted".utf8)
    }
}
