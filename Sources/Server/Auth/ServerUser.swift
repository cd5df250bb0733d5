/// A local account that may authenticate with Basic.
public struct ServerUser: Sendable, Hashable {
    /// The account name, matched case-insensitively and with any `DOMAIN\` prefix ignored.
    public var name: String
    /// The password, compared in constant time.
    public var password: String

    /// Creates a user.
    public init(name: String, password: String) {
        self.name = name
        self.password = password
    }

    /// Parses the `--user NAME:PASSWORD` form; the password may itself contain colons.
    public init(parsing text: String) throws(ServerError) {
        guard let colon = text.firstIndex(of: ":") else { throw .invalidUser("no ':' between name and password") }
        let name = String(text[..<colon])
        guard !name.isEmpty else { throw .invalidUser("empty user name") }
        guard !name.contains("\\") else { throw .invalidUser("give the user name without a domain") }
        self.init(name: name, password: String(text[text.index(after: colon)...]))
    }

    /// The lab's default account, `labuser` / `LabPass1!`.
    public static let labDefault = ServerUser(name: "labuser", password: "LabPass1!")
}
