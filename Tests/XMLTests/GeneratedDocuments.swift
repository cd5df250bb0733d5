import XML

/// Reproducible random documents that mix what the parser must get right: prefixes declared at any depth and
/// redeclared, default namespaces set and unset, `xml:` attributes, references and non-ASCII text in content
/// and in attribute values, CDATA, comments, processing instructions, and now and then a mistake (an unbound
/// prefix, a mismatched end tag, a repeated attribute, a DOCTYPE, trailing content).
struct GeneratedDocuments: Sequence, IteratorProtocol {
    private var state: UInt64
    private var remaining: Int

    init(seed: UInt64, count: Int) {
        state = seed
        remaining = count
    }

    mutating func next() -> String? {
        guard remaining > 0 else { return nil }
        remaining -= 1
        var document = (pick(10) == 0 ? "<?xml version=\"1.0\"?>\n" : "") + element(depth: 0, declared: [])
        if pick(200) == 0 { document = "<!DOCTYPE r>" + document }
        if pick(100) == 0 { document += "<extra/>" }
        return document
    }

    private static let prefixes = ["a", "b", "s", "w"]
    private static let uris = ["urn:1", "urn:2", "http://schemas.xmlsoap.org/ws/2004/08/addressing", ""]
    private static let names = ["E", "Envelope", "Selector", "x1", "\u{E4}"]
    private static let attributeNames = ["Name", "id", "lang", "v"]
    private static let pieces = [
        "x", " ", "\n", "\t", "&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#38;", "&#x26;", "&#233;", "\u{E9}",
        "\u{2713}", "\u{1D11E}", "&#10;", "&#x1D11E;", "\r\n", "&amp;#60;", "]", "abc", "&#13;",
    ]

    /// A linear congruential generator: the same documents on every platform.
    private mutating func pick(_ count: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(count))
    }

    private mutating func text() -> String {
        var text = ""
        for _ in 0..<pick(5) { text += Self.pieces[pick(Self.pieces.count)] }
        return text
    }

    private mutating func element(depth: Int, declared: [String]) -> String {
        var declared = declared
        var declarations = ""
        if pick(3) == 0 {
            let prefix = Self.prefixes[pick(4)]
            declarations += " xmlns:\(prefix)=\"\(Self.uris[pick(3)])\""
            declared.append(prefix)
        }
        if pick(5) == 0 { declarations += " xmlns=\"\(Self.uris[pick(4)])\"" }
        let prefix = pick(2) == 0 && !declared.isEmpty
            ? declared[pick(declared.count)] + ":" : (pick(60) == 0 ? "zz:" : "")
        let name = prefix + Self.names[pick(Self.names.count)]
        var attributes = ""
        var used: Set<String> = []
        for _ in 0..<pick(4) {
            let attributePrefix = pick(3) == 0 && !declared.isEmpty
                ? declared[pick(declared.count)] + ":" : (pick(8) == 0 ? "xml:" : "")
            let attributeName = attributePrefix + Self.attributeNames[pick(4)]
            if used.contains(attributeName) && pick(10) != 0 { continue }
            used.insert(attributeName)
            let quote: Character = pick(2) == 0 ? "\"" : "'"
            attributes += " \(attributeName)=\(quote)\(text().filter { $0 != quote })\(quote)"
        }
        if pick(6) == 0 || depth > 6 { return "<\(name)\(declarations)\(attributes)/>" }
        var body = ""
        for _ in 0..<pick(5) {
            switch pick(7) {
            case 0, 1: body += text()
            case 2: body += "<![CDATA[\(["<x>", "&amp;", "]]", "a]b", ""][pick(5)])]]>"
            case 3: body += "<!-- c -->"
            case 4: body += "<?pi d?>"
            default: body += element(depth: depth + 1, declared: declared)
            }
        }
        let close = pick(80) == 0 ? "q" : name
        return "<\(name)\(declarations)\(attributes)>\(body)</\(close)>"
    }
}
