/// A CIM namespace name such as `root/virtualization/v2`.
///
/// Accepts `/` or `\` separators and ignores leading/trailing separators; compares and hashes
/// case-insensitively while keeping the spelling it was given for display.
public struct CIMNamespace: Hashable, Sendable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The canonical spelling with `/` separators (`root/virtualization/v2`).
    public let name: String
    /// The lower-cased form used for equality and hashing.
    public let key: String

    /// Normalises `text`. Returns nil when it names no namespace (empty or only separators).
    public init?(_ text: String) {
        let parts = text.split(whereSeparator: { $0 == "/" || $0 == "\\" })
        guard !parts.isEmpty else { return nil }
        name = parts.joined(separator: "/")
        key = name.lowercased()
    }

    /// Normalises `text`, throwing a clear error for an empty name.
    public init(parsing text: String) throws {
        guard let ns = CIMNamespace(text) else {
            throw CIMError.invalidNamespace("'\(text)' is not a namespace name")
        }
        self = ns
    }

    /// A literal namespace; an empty literal becomes `root/cimv2`.
    public init(stringLiteral value: String) {
        self = CIMNamespace(value) ?? .rootCIMV2
    }

    /// `root/cimv2`, the default namespace of WMI and of MOF compilation.
    public static let rootCIMV2 = CIMNamespace(uncheckedName: "root/cimv2")
    /// `root/virtualization/v2`, the Hyper-V namespace.
    public static let virtualizationV2 = CIMNamespace(uncheckedName: "root/virtualization/v2")
    /// `root/interop`.
    public static let interop = CIMNamespace(uncheckedName: "root/interop")

    private init(uncheckedName: String) {
        name = uncheckedName
        key = uncheckedName.lowercased()
    }

    /// The Windows spelling with backslashes (`root\virtualization\v2`).
    public var windowsName: String { name.replacingAll("/", with: "\\") }

    public var description: String { name }

    public static func == (lhs: CIMNamespace, rhs: CIMNamespace) -> Bool { lhs.key == rhs.key }
    public func hash(into hasher: inout Hasher) { hasher.combine(key) }
    public static func < (lhs: CIMNamespace, rhs: CIMNamespace) -> Bool { lhs.key < rhs.key }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        out.reserveCapacity(utf8.count)
        for c in self {
            if c == target { out += replacement } else { out.append(c) }
        }
        return out
    }
}
