import Foundation

/// The HTTP framing of the handshake (RFC 4559): `Authorization: Negotiate <base64>` (or `NTLM <base64>`) in,
/// `WWW-Authenticate: <scheme> <base64>` out.
public struct NegotiateAuthorization: Hashable, Sendable {
    /// The scheme the client used; answer in the same one.
    public enum Scheme: String, Hashable, Sendable {
        case negotiate = "Negotiate"
        case ntlm = "NTLM"
    }

    /// The scheme of the header.
    public var scheme: Scheme
    /// The decoded token, to pass to ``NTLMAcceptor/receive(_:now:)``.
    public var token: [UInt8]

    /// Largest header value decoded (Windows' default MaxTokenSize is 48000 bytes).
    public static let maximumHeaderLength = 64 * 1024

    /// A token to send in the given scheme.
    public init(scheme: Scheme, token: [UInt8]) {
        self.scheme = scheme
        self.token = token
    }

    /// Parses an `Authorization` header value. Returns nil for other schemes (e.g. Basic); throws
    /// ``NTLMError/malformedToken`` for a Negotiate/NTLM value without a valid base64 token.
    public init?(authorization value: String) throws {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard let first = parts.first else { return nil }
        switch first.lowercased() {
        case "negotiate": scheme = .negotiate
        case "ntlm": scheme = .ntlm
        default: return nil
        }
        guard value.utf8.count <= Self.maximumHeaderLength else {
            throw NTLMError.malformedToken.detail("Authorization header of \(value.utf8.count) bytes")
        }
        let encoded = parts.count == 2 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        guard Self.isCanonicalBase64(encoded), let data = Data(base64Encoded: encoded), !data.isEmpty else {
            throw NTLMError.malformedToken.detail("\(scheme.rawValue) without a base64 token")
        }
        token = Array(data)
    }

    /// Padded standard base64: a multiple of 4 characters, `=` only as the last one or two.
    private static func isCanonicalBase64(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count % 4 == 0 else { return false }
        let padding = bytes.reversed().prefix { $0 == UInt8(ascii: "=") }.count
        guard padding <= 2 else { return false }
        return bytes.dropLast(padding).allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"):
                return true
            default:
                return false
            }
        }
    }

    /// The `WWW-Authenticate` value: the bare scheme (first 401) or the scheme and a token.
    public static func wwwAuthenticate(scheme: Scheme = .negotiate, token: [UInt8]? = nil) -> String {
        guard let token, !token.isEmpty else { return scheme.rawValue }
        return "\(scheme.rawValue) \(Data(token).base64EncodedString())"
    }
}
