/// Why a token, a signature or an encrypted message was refused.
///
/// Compare with the static members (`error == .logonFailure`); `detail` says what exactly was wrong and is
/// meant for logs, never for the client (a client only ever learns "401").
public struct NTLMError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Kind: String, Hashable, Sendable {
        case malformedToken = "malformed token"
        case unexpectedToken = "unexpected token"
        case unsupported = "unsupported"
        case logonFailure = "logon failure"
        case badMIC = "bad MIC"
        case badSignature = "bad signature"
        case badSequence = "bad sequence number"
        case notSealing = "session does not seal"
        case malformedEncryptedMessage = "malformed encrypted message"
    }

    private let kind: Kind
    /// What exactly was wrong, for logs.
    public let detail: String

    private init(_ kind: Kind, _ detail: String = "") {
        self.kind = kind
        self.detail = detail
    }

    /// A token or message that does not parse: bad signature, offsets outside the buffer, bad DER.
    public static let malformedToken = NTLMError(.malformedToken)
    /// A well-formed token that does not fit the handshake state (an AUTHENTICATE before any CHALLENGE).
    public static let unexpectedToken = NTLMError(.unexpectedToken)
    /// Something wmilab refuses on purpose: NTLMv1, anonymous logon, no extended session security, Kerberos.
    public static let unsupported = NTLMError(.unsupported)
    /// Unknown user or wrong password (the NTLMv2 proof does not verify).
    public static let logonFailure = NTLMError(.logonFailure)
    /// The AUTHENTICATE message's MIC or the SPNEGO mechListMIC does not verify.
    public static let badMIC = NTLMError(.badMIC)
    /// A message signature does not verify.
    public static let badSignature = NTLMError(.badSignature)
    /// A message signature carries an unexpected sequence number (replayed, reordered or dropped message).
    public static let badSequence = NTLMError(.badSequence)
    /// Sealing was asked of a session whose client did not negotiate confidentiality.
    public static let notSealing = NTLMError(.notSealing)
    /// A multipart/encrypted body that does not follow MS-WSMV framing.
    public static let malformedEncryptedMessage = NTLMError(.malformedEncryptedMessage)

    func detail(_ detail: String) -> NTLMError { NTLMError(kind, detail) }

    /// Errors are equal when of the same kind, whatever their detail.
    public static func == (lhs: NTLMError, rhs: NTLMError) -> Bool { lhs.kind == rhs.kind }
    public func hash(into hasher: inout Hasher) { hasher.combine(kind) }

    public var description: String { detail.isEmpty ? kind.rawValue : "\(kind.rawValue): \(detail)" }
}
