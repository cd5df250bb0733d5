/// One `Name=value` pair of an object path; names compare case-insensitively.
public struct CIMKeyBinding: Hashable, Sendable {
    /// The key property name; empty for WMI's unnamed single-key form (`Class="v"`).
    public var name: String
    /// The value: `.string`, `.sint64`/`.uint64`, `.boolean` or `.reference`.
    public var value: CIMValue

    public init(name: String, value: CIMValue) {
        self.name = name
        self.value = value
    }

    public static func == (lhs: CIMKeyBinding, rhs: CIMKeyBinding) -> Bool {
        lhs.name.lowercased() == rhs.name.lowercased() && lhs.value.keyText == rhs.value.keyText
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name.lowercased())
        hasher.combine(value.keyText)
    }
}

extension CIMValue {
    /// The text a key value compares by: references and strings holding the same path compare equal.
    var keyText: String {
        switch self {
        case .reference(let path): path.description
        default: textValue
        }
    }
}
