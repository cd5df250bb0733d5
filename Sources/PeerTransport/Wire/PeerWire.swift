/// The constants of the peer protocol (docs/peer-protocol.md).
enum PeerWire {
    /// Requests go to `POST <pathPrefix>/v1/<operation>`.
    static let pathPrefix = "/wmilab/replication"
    static let version = "v1"
    /// Length of the parameters JSON at the start of the body.
    static let parametersLengthHeader = "X-WMILab-Parameters-Length"
    /// The caller's host name, on the certificate path (the shared-secret path signs it in `Authorization`).
    static let hostHeader = "X-WMILab-Host"
    static let contentType = "application/octet-stream"
    static let replyContentType = "application/json"
    /// Largest parameters document.
    static let maxParametersSize = 64 * 1024
    /// Largest reply document a client reads.
    static let maxReplySize = 16 * 1024 * 1024

    /// The path of `operation`.
    static func path(of operation: String) -> String {
        "\(pathPrefix)/\(version)/\(operation)"
    }

    /// Whether `operation` may name a request: 1 to 128 ASCII letters, digits, `-`, `_` or `.`.
    static func isValidOperation(_ operation: some StringProtocol) -> Bool {
        !operation.isEmpty && operation.utf8.count <= 128
            && operation.allSatisfy { character in
                character.isASCII && (character.isLetter || character.isNumber || "-_.".contains(character))
            }
    }

    /// The operation named by a request path, or nil when the path is not `<pathPrefix>/v1/<operation>`.
    static func operation(inPath path: Substring) -> Substring? {
        let prefix = "\(pathPrefix)/\(version)/"
        guard path.hasPrefix(prefix) else { return nil }
        let operation = path.dropFirst(prefix.count)
        return isValidOperation(operation) ? operation : nil
    }
}
