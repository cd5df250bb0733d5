/// A WMI object path: `\\HOST\root\virtualization\v2:Msvm_ComputerSystem.CreationClassName="…",Name="…"`.
///
/// Parses and prints the WMI `__PATH`/`__RELPATH` forms: full (host and namespace), namespace-relative
/// (`root\cimv2:Class.K="v"`), relative (`Class.Key="v",K2=3`), unnamed single key (`Class="v"`),
/// singleton (`Class=@`) and class paths (`Class`). Inside quoted values `\` and `"` are escaped with
/// a backslash, as WMI does. Class, key and host names compare case-insensitively; key order does not
/// matter for equality.
public struct CIMObjectPath: Hashable, Sendable, CustomStringConvertible {
    /// The server name, without the leading `\\`; nil for a local/relative path.
    public var host: String?
    /// The namespace; nil for a relative path.
    public var namespace: CIMNamespace?
    /// The class name.
    public var className: String
    /// The key bindings in the order they were given.
    public var keyBindings: [CIMKeyBinding]
    /// True for the singleton form `Class=@`.
    public var isSingleton: Bool

    public init(
        host: String? = nil, namespace: CIMNamespace? = nil, className: String,
        keyBindings: [CIMKeyBinding] = [], isSingleton: Bool = false
    ) {
        self.host = host
        self.namespace = namespace
        self.className = className
        self.keyBindings = keyBindings
        self.isSingleton = isSingleton
    }

    /// A path from `(name, value)` pairs in order.
    public init(
        host: String? = nil, namespace: CIMNamespace? = nil, className: String, keys: KeyValuePairs<String, CIMValue>
    ) {
        self.init(
            host: host, namespace: namespace, className: className,
            keyBindings: keys.map { CIMKeyBinding(name: $0.key, value: $0.value) })
    }

    /// True when the path names a class rather than an instance.
    public var isClassPath: Bool { keyBindings.isEmpty && !isSingleton }

    /// The value bound to key `name` (case-insensitive).
    public subscript(key name: String) -> CIMValue? {
        let lower = name.lowercased()
        return keyBindings.first { $0.name.lowercased() == lower }?.value
    }

    /// The same path without host and namespace (WMI's `__RELPATH`).
    public var relativePath: CIMObjectPath {
        CIMObjectPath(className: className, keyBindings: keyBindings, isSingleton: isSingleton)
    }

    // MARK: Printing

    /// The WMI form; host and namespace are printed when present.
    public var description: String {
        var out = ""
        if let namespace {
            if let host { out += "\\\\" + host + "\\" }
            out += namespace.windowsName + ":"
        }
        out += className
        if isSingleton {
            out += "=@"
            return out
        }
        for (i, binding) in keyBindings.enumerated() {
            if binding.name.isEmpty && keyBindings.count == 1 {
                out += "="
            } else {
                out += i == 0 ? "." : ","
                out += binding.name + "="
            }
            Self.appendKeyValue(binding.value, to: &out)
        }
        return out
    }

    private static func appendKeyValue(_ value: CIMValue, to out: inout String) {
        switch value {
        case .uint8, .sint8, .uint16, .sint16, .uint32, .sint32, .uint64, .sint64:
            out += value.textValue
        case .boolean(let b):
            out += b ? "TRUE" : "FALSE"
        case .reference(let path):
            appendQuoted(path.description, to: &out)
        default:
            appendQuoted(value.textValue, to: &out)
        }
    }

    private static func appendQuoted(_ text: String, to out: inout String) {
        out += "\""
        for c in text.unicodeScalars {
            if c == "\\" || c == "\"" { out += "\\" }
            out.unicodeScalars.append(c)
        }
        out += "\""
    }

    // MARK: Parsing

    /// Parses any of the WMI forms. Throws ``CIMError/invalidObjectPath(_:)`` naming the problem.
    public init(parsing text: String) throws {
        var parser = PathParser(text: text)
        self = try parser.parse()
    }

    // MARK: Equality

    public static func == (lhs: CIMObjectPath, rhs: CIMObjectPath) -> Bool {
        guard lhs.className.lowercased() == rhs.className.lowercased(), lhs.namespace == rhs.namespace,
            lhs.host?.lowercased() == rhs.host?.lowercased(), lhs.isSingleton == rhs.isSingleton,
            lhs.keyBindings.count == rhs.keyBindings.count
        else { return false }
        return lhs.sortedBindings == rhs.sortedBindings
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(className.lowercased())
        hasher.combine(namespace)
        hasher.combine(host?.lowercased())
        hasher.combine(isSingleton)
        hasher.combine(sortedBindings)
    }

    private var sortedBindings: [CIMKeyBinding] {
        keyBindings.sorted { $0.name.lowercased() < $1.name.lowercased() }
    }

    /// Equality ignoring host and namespace when either side omits them.
    public func refersToSameInstance(as other: CIMObjectPath) -> Bool {
        var a = self
        var b = other
        if a.host == nil || b.host == nil {
            a.host = nil
            b.host = nil
        }
        if a.namespace == nil || b.namespace == nil {
            a.namespace = nil
            b.namespace = nil
        }
        return a == b
    }
}

private struct PathParser {
    let text: String
    let scalars: [Unicode.Scalar]
    var i = 0

    init(text: String) {
        self.text = text
        scalars = Array(text.unicodeScalars)
    }

    func fail(_ why: String) -> CIMError {
        CIMError.invalidObjectPath("'\(text)' is not an object path: \(why) at offset \(i)")
    }

    var current: Unicode.Scalar? { i < scalars.count ? scalars[i] : nil }

    mutating func parse() throws -> CIMObjectPath {
        var host: String?
        var namespace: CIMNamespace?
        while current == " " { i += 1 }
        if i + 1 < scalars.count, isSeparator(scalars[i]), isSeparator(scalars[i + 1]) {
            i += 2
            let start = i
            while let c = current, !isSeparator(c), c != ":" { i += 1 }
            guard i > start else { throw fail("empty host name") }
            host = String(String.UnicodeScalarView(scalars[start..<i]))
        }
        // A namespace ends at the first ':' that comes before any key syntax.
        var j = i
        while j < scalars.count, !":.=\"".unicodeScalars.contains(scalars[j]) { j += 1 }
        if j < scalars.count, scalars[j] == ":" {
            let nsText = String(String.UnicodeScalarView(scalars[i..<j]))
            guard let ns = CIMNamespace(nsText) else { throw fail("empty namespace") }
            namespace = ns
            i = j + 1
        } else if host != nil {
            throw fail("a path with a host needs a namespace followed by ':'")
        }
        let start = i
        while let c = current, c == "_" || c.properties.isAlphabetic || ("0"..."9").contains(c) { i += 1 }
        guard i > start else { throw fail("expected a class name") }
        let className = String(String.UnicodeScalarView(scalars[start..<i]))
        var bindings: [CIMKeyBinding] = []
        var singleton = false
        if current == "=" {
            i += 1
            if current == "@" {
                i += 1
                singleton = true
            } else {
                bindings.append(CIMKeyBinding(name: "", value: try parseValue()))
            }
        } else if current == "." {
            i += 1
            while true {
                let nameStart = i
                while let c = current, c == "_" || c.properties.isAlphabetic || ("0"..."9").contains(c) { i += 1 }
                guard i > nameStart else { throw fail("expected a key name") }
                let name = String(String.UnicodeScalarView(scalars[nameStart..<i]))
                guard current == "=" else { throw fail("expected '=' after key '\(name)'") }
                i += 1
                bindings.append(CIMKeyBinding(name: name, value: try parseValue()))
                guard current == "," else { break }
                i += 1
            }
        }
        while current == " " { i += 1 }
        guard current == nil else { throw fail("unexpected '\(current!)'") }
        return CIMObjectPath(
            host: host, namespace: namespace, className: className, keyBindings: bindings, isSingleton: singleton)
    }

    func isSeparator(_ c: Unicode.Scalar) -> Bool { c == "\\" || c == "/" }

    mutating func parseValue() throws -> CIMValue {
        guard let c = current else { throw fail("missing key value") }
        if c == "\"" {
            i += 1
            var out = String.UnicodeScalarView()
            while true {
                guard let c = current else { throw fail("unterminated string") }
                i += 1
                if c == "\"" { break }
                if c == "\\" {
                    guard let next = current else { throw fail("unterminated string") }
                    out.append(next)
                    i += 1
                } else {
                    out.append(c)
                }
            }
            return .string(String(out))
        }
        let start = i
        while let c = current, c != "," { i += 1 }
        let word = String(String.UnicodeScalarView(scalars[start..<i]))
        switch word.lowercased() {
        case "true": return .boolean(true)
        case "false": return .boolean(false)
        default: break
        }
        if let v = Int64(word) { return v < 0 ? .sint64(v) : .uint64(UInt64(v)) }
        if let v = UInt64(word) { return .uint64(v) }
        throw fail("'\(word)' is neither a quoted string, a number nor TRUE/FALSE")
    }
}
