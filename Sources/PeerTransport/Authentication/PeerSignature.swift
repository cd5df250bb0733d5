/// The shared-secret credential of one request (AuthenticationType 1): the caller's host name, a timestamp and a
/// random nonce, signed with HMAC-SHA256 under the lab's secret together with the host the request is for, the
/// operation and the SHA-256 of the parameters. Sent as `Authorization: WMILab-HMAC host="…", target="…",
/// timestamp="…", nonce="…", signature="…"`.
public struct PeerSignature: Sendable, Hashable {
    /// The scheme name in `Authorization`.
    public static let scheme = "WMILab-HMAC"

    /// The caller's host name.
    public var hostName: String
    /// The host the request is for (so a request cannot be replayed to another host of the lab).
    public var targetHost: String
    /// Seconds since 1970-01-01 UTC when the caller signed.
    public var timestamp: Int64
    /// 32 lower-case hex digits, random per request.
    public var nonce: String
    /// HMAC-SHA256, lower-case hex.
    public var signature: String

    /// Signs a request.
    public static func sign(
        secret: String, hostName: String, targetHost: String, timestamp: Int64, nonce: String,
        operation: String, parameters: [UInt8]
    ) -> PeerSignature {
        let mac = Digest.hmacSHA256(
            key: Array(secret.utf8),
            message: signedText(
                hostName: hostName, targetHost: targetHost, timestamp: timestamp, nonce: nonce,
                operation: operation, parameters: parameters
            )
        )
        return PeerSignature(
            hostName: hostName, targetHost: targetHost, timestamp: timestamp, nonce: nonce,
            signature: Digest.lowerHex(mac)
        )
    }

    /// A fresh nonce: 16 random bytes in hex.
    public static func makeNonce() -> String {
        var generator = SystemRandomNumberGenerator()
        return Digest.lowerHex((0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// Whether the signature is right for `secret`, `operation` and `parameters` (constant time).
    func isValid(secret: String, operation: String, parameters: [UInt8]) -> Bool {
        let expected = Self.sign(
            secret: secret, hostName: hostName, targetHost: targetHost, timestamp: timestamp, nonce: nonce,
            operation: operation, parameters: parameters
        )
        return Digest.constantTimeEqual(Array(expected.signature.utf8), Array(signature.lowercased().utf8))
    }

    /// The text signed: the fields one per line, the parameters as their SHA-256 in hex.
    private static func signedText(
        hostName: String, targetHost: String, timestamp: Int64, nonce: String, operation: String,
        parameters: [UInt8]
    ) -> [UInt8] {
        let fields = [
            scheme, hostName, canonicalHost(targetHost), String(timestamp), nonce, operation,
            Digest.lowerHex(Digest.sha256(parameters)),
        ]
        return Array(fields.joined(separator: "\n").utf8)
    }

    /// A host name as signed for the target: its first label, upper-case, so "wmilab-hv02.lab.local" and
    /// "WMILAB-HV02" sign alike.
    static func canonicalHost(_ hostName: String) -> String {
        PeerDirectory.firstLabel(of: hostName).uppercased()
    }

    // MARK: Header form

    /// The `Authorization` header value.
    public var headerValue: String {
        "\(Self.scheme) host=\"\(hostName)\", target=\"\(targetHost)\", timestamp=\"\(timestamp)\", "
            + "nonce=\"\(nonce)\", signature=\"\(signature)\""
    }

    /// Parses an `Authorization` header value; nil when it is not a well-formed `WMILab-HMAC` credential.
    public init?(headerValue: String) {
        let value = headerValue.trimmingWhitespace()
        guard let space = value.firstIndex(of: " "),
              value[..<space].caseInsensitiveEquals(Self.scheme)
        else { return nil }
        var fields: [String: String] = [:]
        for part in value[value.index(after: space)...].split(separator: ",") {
            let pair = part.trimmingWhitespace()
            guard let equals = pair.firstIndex(of: "=") else { return nil }
            let name = pair[..<equals].lowercased()
            var text = pair[pair.index(after: equals)...]
            guard text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") else { return nil }
            text = text.dropFirst().dropLast()
            guard !text.contains("\""), fields[name] == nil else { return nil }
            fields[name] = String(text)
        }
        guard let host = fields["host"], !host.isEmpty, let target = fields["target"], !target.isEmpty,
              let timestampText = fields["timestamp"], let timestamp = Int64(timestampText),
              let nonce = fields["nonce"], (16...128).contains(nonce.utf8.count),
              let signature = fields["signature"], signature.utf8.count == 64,
              fields.count == 5
        else { return nil }
        self.init(hostName: host, targetHost: target, timestamp: timestamp, nonce: nonce, signature: signature)
    }

    /// Creates a credential from its parts (see `sign`).
    public init(hostName: String, targetHost: String, timestamp: Int64, nonce: String, signature: String) {
        self.hostName = hostName
        self.targetHost = targetHost
        self.timestamp = timestamp
        self.nonce = nonce
        self.signature = signature
    }
}
