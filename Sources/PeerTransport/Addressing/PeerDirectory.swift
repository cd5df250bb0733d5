/// Where replication peers' host names resolve (`wmilab serve --peer HOSTNAME=ADDR:PORT`, repeatable;
/// `HOSTNAME=https://ADDR:PORT` for TLS). Names compare case-insensitively, and a FQDN matches its first label
/// ("WMILAB-HV02.lab.local" finds "WMILAB-HV02").
public struct PeerDirectory: Sendable, Hashable {
    private struct Entry: Hashable {
        var name: String
        var address: PeerAddress
    }

    private var entries: [Entry]

    /// An empty directory: every peer is unreachable.
    public init() {
        entries = []
    }

    /// Parses `--peer` values: `HOSTNAME=ADDR:PORT`, `HOSTNAME=http://ADDR:PORT` or `HOSTNAME=https://ADDR:PORT`
    /// (an IPv6 address in brackets, `[::1]:5985`). Throws `PeerDirectoryError` naming the first malformed entry or
    /// a host name given twice.
    public init(parsing arguments: [String]) throws(PeerDirectoryError) {
        entries = []
        for argument in arguments {
            let entry = try Self.parse(argument)
            if entries.contains(where: { $0.name.caseInsensitiveEquals(entry.name) }) {
                throw PeerDirectoryError(argument, "host name \(entry.name) is given twice")
            }
            entries.append(entry)
        }
    }

    /// The address of `hostName`: an entry of that name, else one whose first label matches the first label of
    /// `hostName` (so a FQDN and a short name find each other). Nil when the host is not known.
    public func address(of hostName: String) -> PeerAddress? {
        let wanted = String(hostName.trimmingWhitespace())
        if let exact = entries.first(where: { $0.name.caseInsensitiveEquals(wanted) }) { return exact.address }
        return entries.first { Self.namesMatch($0.name, wanted) }?.address
    }

    /// The host names known, as given.
    public var hostNames: [String] { entries.map(\.name) }

    /// Whether two host names name the same host: equal ignoring case, or equal first labels when neither is an
    /// IP address ("WMILAB-HV02.lab.local" and "wmilab-hv02").
    public static func namesMatch(_ lhs: String, _ rhs: String) -> Bool {
        if lhs.caseInsensitiveEquals(rhs) { return true }
        guard !isIPAddress(lhs), !isIPAddress(rhs) else { return false }
        return firstLabel(of: lhs).caseInsensitiveEquals(firstLabel(of: rhs))
    }

    /// The first DNS label of `hostName`, e.g. "WMILAB-HV02" for "WMILAB-HV02.lab.local".
    static func firstLabel(of hostName: String) -> Substring {
        hostName.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
    }

    private static func isIPAddress(_ text: String) -> Bool {
        text.contains(":") || (!text.isEmpty && text.allSatisfy { $0 == "." || $0.isASCII && $0.isNumber })
    }

    private static func parse(_ argument: String) throws(PeerDirectoryError) -> Entry {
        guard let equals = argument.firstIndex(of: "=") else {
            throw PeerDirectoryError(argument, "expected HOSTNAME=ADDR:PORT")
        }
        let name = String(argument[..<equals].trimmingWhitespace())
        guard !name.isEmpty else { throw PeerDirectoryError(argument, "the host name is empty") }
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_") })
        else { throw PeerDirectoryError(argument, "host name \(name) has characters other than letters, digits, -._") }

        var rest = argument[argument.index(after: equals)...].trimmingWhitespace()
        var useTLS = false
        if rest.lowercased().hasPrefix("https://") {
            useTLS = true
            rest = rest.dropFirst("https://".count)
        } else if rest.lowercased().hasPrefix("http://") {
            rest = rest.dropFirst("http://".count)
        }
        if rest.hasSuffix("/") { rest = rest.dropLast() }

        let host: Substring
        let portText: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]"), rest[rest.index(after: close)...].hasPrefix(":") else {
                throw PeerDirectoryError(argument, "expected [IPv6]:PORT")
            }
            host = rest[rest.index(after: rest.startIndex)..<close]
            portText = rest[rest.index(close, offsetBy: 2)...]
        } else {
            guard let colon = rest.lastIndex(of: ":"), !rest[..<colon].contains(":") else {
                throw PeerDirectoryError(argument, "expected ADDR:PORT (IPv6 in brackets)")
            }
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        }
        guard !host.isEmpty, !host.contains(where: { $0 == "/" || $0 == " " || $0 == "@" }) else {
            throw PeerDirectoryError(argument, "the address is empty or malformed")
        }
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw PeerDirectoryError(argument, "the port must be a number from 1 to 65535")
        }
        return Entry(name: name, address: PeerAddress(host: String(host), port: port, useTLS: useTLS))
    }
}

/// A malformed `--peer` entry.
public struct PeerDirectoryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The entry as given.
    public let entry: String
    /// What is wrong with it.
    public let reason: String

    init(_ entry: String, _ reason: String) {
        self.entry = entry
        self.reason = reason
    }

    public var description: String {
        "invalid --peer '\(entry)': \(reason) (expected HOSTNAME=ADDR:PORT or HOSTNAME=https://ADDR:PORT)"
    }
}

extension StringProtocol {
    func caseInsensitiveEquals(_ other: some StringProtocol) -> Bool {
        lowercased() == other.lowercased()
    }

    func trimmingWhitespace() -> Substring {
        let text = Substring(self)
        let start = text.firstIndex { !$0.isWhitespace } ?? text.endIndex
        let end = text.lastIndex { !$0.isWhitespace }.map { text.index(after: $0) } ?? start
        return text[start..<end]
    }
}
