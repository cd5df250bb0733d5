import Foundation

@testable import NTLM

/// The captured client traffic under ../shared/fixtures/wire, found relative to the package root.
enum WireFixtures {
    static let password = "LabPass1!"
    static let users = [NTLMUser(name: "labuser", password: password)]

    static let root: URL = {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory.deletingLastPathComponent().appendingPathComponent("shared/fixtures/wire")
            }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: "shared/fixtures/wire")
    }()

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent(relativePath)))
    }

    static func text(_ relativePath: String) throws -> String {
        String(decoding: try bytes(relativePath), as: UTF8.self)
    }

    /// The value of the first header `name` in a captured `.headers` file.
    static func header(_ name: String, in relativePath: String) throws -> String? {
        for line in try text(relativePath).split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
            guard let colon = trimmed.firstIndex(of: ":") else { continue }
            if trimmed[..<colon].lowercased() == name.lowercased() {
                return trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    /// One captured handshake: the tokens each side sent, in order.
    struct Handshake {
        var label: String
        var clientTokens: [[UInt8]]
        /// Server tokens of the 401s and the final 200 (the captured acceptor's CHALLENGE, final SPNEGO token).
        var serverTokens: [[UInt8]]

        var isSPNEGO: Bool { clientTokens.first?.first == 0x60 }
        var negotiateToken: [UInt8] { clientTokens[0] }
        var authenticateToken: [UInt8] { clientTokens[1] }
        /// The raw CHALLENGE message the capture server sent, unwrapped from SPNEGO if need be.
        var challengeMessage: [UInt8] { Self.unwrapNTLM(serverTokens[0]) }
        var finalToken: [UInt8]? { serverTokens.count > 1 ? serverTokens[1] : nil }

        static func unwrapNTLM(_ token: [UInt8]) -> [UInt8] {
            let signature = Array("NTLMSSP".utf8) + [0]
            for start in token.indices where token[start...].starts(with: signature) { return Array(token[start...]) }
            return token
        }

        /// Offset of the raw AUTHENTICATE message inside the client's token.
        var authenticateOffset: Int { authenticateToken.count - Self.unwrapNTLM(authenticateToken).count }
    }

    /// Walks the label's manifest entries in capture order, collecting Negotiate/NTLM tokens from the request
    /// headers and the server's answers.
    static func handshake(_ label: String) throws -> Handshake {
        var result = Handshake(label: label, clientTokens: [], serverTokens: [])
        for entry in try manifest().filter({ $0.client == label }).sorted(by: { $0.seq < $1.seq }) {
            let responseHeaders =
                entry.file.hasPrefix("auth/")
                ? "\(entry.file).response.headers" : "responses/\(entry.file).response.headers"
            if let value = try header("Authorization", in: "\(entry.file).headers"),
                let parsed = try NegotiateAuthorization(authorization: value)
            {
                result.clientTokens.append(parsed.token)
            }
            if let value = try header("WWW-Authenticate", in: responseHeaders),
                let parsed = try? NegotiateAuthorization(authorization: value)
            {
                result.serverTokens.append(parsed.token)
            }
            if result.clientTokens.count == 2 { break }
        }
        return result
    }

    static func manifest() throws -> [ManifestEntry] {
        try JSONDecoder().decode([ManifestEntry].self, from: Data(bytes("manifest.json")))
    }

    struct ManifestEntry: Decodable {
        var file: String
        var seq: Int
        var client: String
        var encrypted: Bool
        var status: Int

        enum CodingKeys: String, CodingKey {
            case file, seq, client, encrypted
            case status = "http_status"
        }

        var name: String { file.split(separator: "/").last.map(String.init) ?? file }
        var responseHeaders: String {
            file.hasPrefix("auth/") ? "\(file).response.headers" : "responses/\(file).response.headers"
        }
        var responseXML: String {
            file.hasPrefix("auth/") ? "\(file).response.xml" : "responses/\(file).response.xml"
        }
    }

    static func encryptedEntries(_ label: String) throws -> [ManifestEntry] {
        try manifest().filter { $0.client == label && $0.encrypted }.sorted { $0.seq < $1.seq }
    }

    /// An acceptor that answers with the captured CHALLENGE, so the client's captured proof matches.
    static func acceptor(for handshake: Handshake, users: [NTLMUser] = users) -> NTLMAcceptor {
        var acceptor = NTLMAcceptor(users: users, computerName: "WMILAB", domainName: "LAB")
        acceptor.challengeOverride = handshake.challengeMessage
        return acceptor
    }

    /// Runs the captured handshake; returns the last action.
    static func run(_ handshake: Handshake, users: [NTLMUser] = users, authenticate: [UInt8]? = nil)
        -> (first: NTLMAcceptor.Action, last: NTLMAcceptor.Action)
    {
        var acceptor = acceptor(for: handshake, users: users)
        let first = acceptor.receive(handshake.negotiateToken)
        let last = acceptor.receive(authenticate ?? handshake.authenticateToken)
        return (first, last)
    }

    /// The session the captured handshake leaves behind (with the right password).
    static func session(_ label: String) throws -> NTLMSession {
        guard case .accepted(_, _, let session) = run(try handshake(label)).last else {
            throw NTLMError.logonFailure.detail("captured handshake \(label) not accepted")
        }
        return session
    }
}

extension NTLMAcceptor.Action {
    var rejection: NTLMError? {
        if case .rejected(let error) = self { return error }
        return nil
    }
}
