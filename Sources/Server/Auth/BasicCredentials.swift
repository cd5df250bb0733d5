/// The user name and password carried by an `Authorization: Basic` header.
struct BasicCredentials: Hashable {
    var domain: String?
    var user: String
    var password: [UInt8]

    /// Decodes the base64 token after `Basic `; nil when it is not valid base64 of `user:password`.
    init?(token: Substring) {
        guard let decoded = Base64.decode(token.trimmingSpaces()),
              let colon = decoded.firstIndex(of: UInt8(ascii: ":"))
        else { return nil }
        guard let account = String(validating: decoded[..<colon], as: UTF8.self) else { return nil }
        self.password = Array(decoded[(colon + 1)...])
        if let slash = account.lastIndex(of: "\\") {
            self.domain = String(account[..<slash])
            self.user = String(account[account.index(after: slash)...])
        } else if let at = account.lastIndex(of: "@"), at != account.startIndex {
            self.domain = String(account[account.index(after: at)...])
            self.user = String(account[..<at])
        } else {
            self.domain = nil
            self.user = account
        }
        if user.isEmpty { return nil }
    }

    /// Whether these credentials name `account` and carry its password.
    ///
    /// The password comparison takes the same time wherever the first difference is.
    func matches(_ account: ServerUser) -> Bool {
        let nameMatches = user.lowercased() == account.name.lowercased()
        let expected = Array(account.password.utf8)
        var difference = UInt8(truncatingIfNeeded: expected.count ^ password.count)
        let length = max(expected.count, password.count)
        for index in 0..<length {
            let a = index < expected.count ? expected[index] : 0
            let b = index < password.count ? password[index] : 0
            difference |= a ^ b
        }
        return nameMatches && difference == 0
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return text
    }
}
