/// Constants and string coding shared by the three NTLM messages.
enum NTLMMessage {
    static let signature: [UInt8] = Array("NTLMSSP".utf8) + [0]

    /// Largest NTLM message accepted; real ones are a few hundred bytes.
    static let maximumLength = 16 * 1024

    /// The VERSION structure (MS-NLMP 2.2.2.10) wmilab sends: Windows Server 2019 (10.0.17763), NTLM revision 15.
    static let serverVersion: [UInt8] = [10, 0, 0x63, 0x45, 0, 0, 0, 0x0f]

    static func isNTLM(_ token: [UInt8]) -> Bool { token.starts(with: signature) }

    static func messageType(of token: [UInt8]) -> UInt32? {
        guard token.count >= 12, isNTLM(token) else { return nil }
        return UInt32(token[8]) | UInt32(token[9]) << 8 | UInt32(token[10]) << 16 | UInt32(token[11]) << 24
    }

    static func utf16LittleEndian(_ string: String) -> [UInt8] {
        string.utf16.flatMap { [UInt8($0 & 0xff), UInt8($0 >> 8)] }
    }

    /// Decodes a name field: UTF-16LE when UNICODE was negotiated, otherwise the OEM code page (taken as UTF-8,
    /// falling back to Latin-1 so that no byte sequence is refused).
    static func decodeString(_ bytes: [UInt8], unicode: Bool) throws -> String {
        if unicode {
            guard bytes.count % 2 == 0 else {
                throw NTLMError.malformedToken.detail("UTF-16 string of odd length \(bytes.count)")
            }
            let units = stride(from: 0, to: bytes.count, by: 2).map { UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8 }
            return String(decoding: units, as: UTF16.self)
        }
        if let utf8 = String(validating: bytes, as: UTF8.self) { return utf8 }
        return String(bytes.map { Character(Unicode.Scalar($0)) })
    }
}
