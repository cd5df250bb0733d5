/// A WS-Management resource URI, parsed into the CIM namespace and class it names.
///
/// Three forms are understood:
/// - WMI: `http://schemas.microsoft.com/wbem/wsman/1/wmi/<namespace>/<Class>` (any namespace depth),
///   `<Class>` may be `*` for WQL enumerations over the namespace;
/// - DMTF: `http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/<Class>`, namespace from the
///   `__cimnamespace` selector, `root/hardware` when absent (MS-WSMV 3.1.4.1.1);
/// - DMTF wildcard: `http://schemas.dmtf.org/wbem/wscim/1/*` (association filters).
/// Anything else (config, shell, …) is kept as `.other` for the caller to refuse.
public struct ResourceURI: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        case wmi, dmtf, other
    }

    public static let wmiPrefix = "http://schemas.microsoft.com/wbem/wsman/1/wmi/"
    public static let dmtfClassPrefix = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/"
    public static let dmtfWildcard = "http://schemas.dmtf.org/wbem/wscim/1/*"
    /// The namespace a DMTF-form URI means when no `__cimnamespace` selector is given.
    public static let defaultDMTFNamespace = "root/hardware"

    public let kind: Kind
    /// CIM namespace with `/` separators (`root/virtualization/v2`); nil for DMTF and other forms.
    public let namespace: String?
    /// The class, or nil for a wildcard (`*`) URI and for `.other`.
    public let className: String?
    private let otherText: String?

    /// The WMI form for a class (or `*` when `className` is nil) in a namespace.
    public static func wmi(namespace: String, className: String?) -> ResourceURI {
        ResourceURI(kind: .wmi, namespace: normalise(namespace), className: className, otherText: nil)
    }

    /// The DMTF `cim-schema/2` form for a class, or the DMTF wildcard when `className` is nil.
    public static func dmtf(className: String?) -> ResourceURI {
        ResourceURI(kind: .dmtf, namespace: nil, className: className, otherText: nil)
    }

    private init(kind: Kind, namespace: String?, className: String?, otherText: String?) {
        self.kind = kind
        self.namespace = namespace
        self.className = className
        self.otherText = otherText
    }

    /// Parses a resource URI; throws `invalidResourceURI` for a WMI/DMTF URI without a valid class part.
    public init(parsing text: String) throws(WSManFault) {
        let trimmed = text.trimmingCharacters(in: " \t\r\n")
        if let rest = trimmed.droppingPrefix(Self.wmiPrefix) {
            if let (namespace, className) = try Self.asciiWMIParts(rest, uri: trimmed) {
                self.init(kind: .wmi, namespace: namespace, className: className, otherText: nil)
                return
            }
            var parts = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 2, let last = parts.popLast(), parts.allSatisfy({ Self.isName($0) }) else {
                throw .invalidResourceURI(trimmed)
            }
            guard last == "*" || Self.isName(last) else { throw .invalidResourceURI(trimmed) }
            self.init(kind: .wmi, namespace: parts.joined(separator: "/"), className: last == "*" ? nil : last,
                      otherText: nil)
        } else if let rest = trimmed.droppingPrefix(Self.dmtfClassPrefix) {
            guard rest == "*" || Self.isName(rest) else { throw .invalidResourceURI(trimmed) }
            self.init(kind: .dmtf, namespace: nil, className: rest == "*" ? nil : rest, otherText: nil)
        } else if trimmed.lowercased() == Self.dmtfWildcard.lowercased() {
            self.init(kind: .dmtf, namespace: nil, className: nil, otherText: nil)
        } else {
            guard !trimmed.isEmpty else { throw .invalidResourceURI(text) }
            self.init(kind: .other, namespace: nil, className: nil, otherText: trimmed)
        }
    }

    /// True for `…/wmi/<ns>/*` and the DMTF wildcard.
    public var isWildcard: Bool { kind != .other && className == nil }

    /// The CIM namespace the request addresses, given the `__cimnamespace` selector if any.
    public func resolvedNamespace(cimNamespaceSelector: String?) -> String? {
        switch kind {
        case .wmi: return namespace
        case .dmtf: return cimNamespaceSelector.map(Self.normalise) ?? Self.defaultDMTFNamespace
        case .other: return nil
        }
    }

    public var description: String {
        switch kind {
        case .wmi: return Self.wmiPrefix + (namespace ?? "") + "/" + (className ?? "*")
        case .dmtf: return className.map { Self.dmtfClassPrefix + $0 } ?? Self.dmtfWildcard
        case .other: return otherText ?? ""
        }
    }

    /// `root\virtualization\v2` → `root/virtualization/v2`.
    public static func normalise(_ namespace: String) -> String {
        namespace.replacingBackslashes().trimmingCharacters(in: "/")
    }

    /// The namespace and class (nil for `*`) after the WMI prefix, checked as the general path checks them,
    /// byte by byte for an ASCII remainder (where `/` always splits); nil for anything else.
    private static func asciiWMIParts(_ rest: String, uri: String) throws(WSManFault) -> (String, String?)? {
        let bytes = rest.utf8
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { throw .invalidResourceURI(uri) }
        let last = rest[bytes.index(after: slash)...]
        var segmentStart = bytes.startIndex
        while segmentStart <= slash {
            let end = bytes[segmentStart..<slash].firstIndex(of: UInt8(ascii: "/")) ?? slash
            guard isName(rest[segmentStart..<end]) else { throw .invalidResourceURI(uri) }
            segmentStart = bytes.index(after: end)
        }
        guard last == "*" || isName(last) else { throw .invalidResourceURI(uri) }
        return (String(rest[..<slash]), last == "*" ? nil : String(last))
    }

    private static func isName(_ text: some StringProtocol) -> Bool {
        guard let first = text.unicodeScalars.first, !(("0"..."9").contains(first)) else { return false }
        return text.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
                || $0.value >= 0x80
        }
    }
}

extension String {
    func droppingPrefix(_ prefix: String) -> String? {
        if let result = droppingPrintableASCIIPrefix(prefix) { return result }
        guard count >= prefix.count else { return nil }
        let head = self.prefix(prefix.count)
        guard head.lowercased() == prefix.lowercased() else { return nil }
        return String(dropFirst(prefix.count))
    }

    /// The byte-wise form of `droppingPrefix` when both strings are printable ASCII, where every character is
    /// one byte and lower-casing folds A–Z only; nil when it does not apply.
    private func droppingPrintableASCIIPrefix(_ prefix: String) -> String?? {
        let text = utf8
        let head = prefix.utf8
        let isPrintable: (UInt8) -> Bool = { $0 >= 0x20 && $0 < 0x7F }
        guard text.allSatisfy(isPrintable), head.allSatisfy(isPrintable) else { return nil }
        guard text.count >= head.count else { return .some(nil) }
        for (x, y) in zip(text, head) where x != y {
            let (p, q) = (x | 0x20, y | 0x20)
            guard p == q, p >= 0x61, p <= 0x7A else { return .some(nil) }
        }
        return String(self[text.index(text.startIndex, offsetBy: head.count)...])
    }

    func trimmingCharacters(in set: String) -> String {
        // Nothing to trim when neither end byte can start or end a character of `set` (all of ours are ASCII).
        if let first = utf8.first, let last = utf8.last, set.utf8.allSatisfy({ $0 < 0x80 }),
           !set.utf8.contains(first), !set.utf8.contains(last) {
            return self
        }
        let drop: (Character) -> Bool = { set.contains($0) }
        guard let first = firstIndex(where: { !drop($0) }), let last = lastIndex(where: { !drop($0) }) else {
            return ""
        }
        return String(self[first...last])
    }

    func replacingBackslashes() -> String {
        if !utf8.contains(UInt8(ascii: "\\")) { return self }
        return String(map { $0 == "\\" ? "/" : $0 })
    }
}
