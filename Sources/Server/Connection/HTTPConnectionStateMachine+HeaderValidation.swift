extension HTTPConnectionStateMachine {
    /// Whether the fields an endpoint added to its response can be sent as they are: every name an RFC 9110
    /// token, no value with a control character other than HTAB (a CR or LF would split the response).
    ///
    /// The server checks these itself rather than with NIO's outbound validator, which would re-check every
    /// header of every response, the server's own included.
    static func areValidToSend(_ response: WSManHTTPResponse) -> Bool {
        // The SOAP content type, which nearly every response carries, is known to be valid.
        if let contentType = response.contentType, contentType != WSManHTTPResponse.soapContentType,
           !isValidFieldValue(contentType) { return false }
        return response.headers.allSatisfy { isValidFieldName($0.name) && isValidFieldValue($0.value) }
    }

    private static func isValidFieldName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy(isTokenCharacter)
    }

    private static func isValidFieldValue(_ value: String) -> Bool {
        value.utf8.allSatisfy { $0 == UInt8(ascii: "\t") || ($0 >= 0x20 && $0 != 0x7F) }
    }

    /// `tchar` of RFC 9110 §5.6.2.
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
