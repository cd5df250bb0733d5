/// Builds an XML document into a byte buffer, escaping text and attribute values on the way.
///
/// Markup (element and attribute names) is written as given: callers pass qualified names they
/// control. Everything that comes from data goes through `text(_:)` or an attribute value and is
/// escaped; characters XML 1.0 cannot carry are replaced by U+FFFD.
public struct XMLWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]

    public init(reservingCapacity capacity: Int = 4096) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Appends trusted markup verbatim (e.g. a constant start tag with namespace declarations).
    public mutating func raw(_ markup: String) {
        bytes.append(contentsOf: markup.utf8)
    }

    /// Appends bytes written earlier by another `XMLWriter` verbatim.
    public mutating func raw(_ markup: [UInt8]) {
        bytes.append(contentsOf: markup)
    }

    /// Writes `<name>`.
    public mutating func open(_ name: String) {
        bytes.append(UInt8(ascii: "<"))
        bytes.append(contentsOf: name.utf8)
        bytes.append(UInt8(ascii: ">"))
    }

    /// Writes `<name a="v" …>`.
    public mutating func open(_ name: String, _ attributes: KeyValuePairs<String, String>) {
        startTag(name, attributes)
        bytes.append(UInt8(ascii: ">"))
    }

    /// Writes `<name a="v" …/>`.
    public mutating func empty(_ name: String, _ attributes: KeyValuePairs<String, String> = [:]) {
        startTag(name, attributes)
        bytes.append(UInt8(ascii: "/"))
        bytes.append(UInt8(ascii: ">"))
    }

    /// Writes `</name>`.
    public mutating func close(_ name: String) {
        bytes.append(UInt8(ascii: "<"))
        bytes.append(UInt8(ascii: "/"))
        bytes.append(contentsOf: name.utf8)
        bytes.append(UInt8(ascii: ">"))
    }

    /// Writes `<name>escaped text</name>`.
    public mutating func element(_ name: String, text: String) {
        open(name)
        self.text(text)
        close(name)
    }

    /// Writes `<name …>escaped text</name>`.
    public mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String>, text: String) {
        open(name, attributes)
        self.text(text)
        close(name)
    }

    /// Writes `<prefix:name>escaped text</prefix:name>` without building the qualified name.
    public mutating func element(prefix: StaticString, _ name: String, text: String) {
        qualifiedTag(opening: true, prefix: prefix, name)
        self.text(text)
        qualifiedTag(opening: false, prefix: prefix, name)
    }

    /// Writes `<prefix:name>`.
    public mutating func open(prefix: StaticString, _ name: String) {
        qualifiedTag(opening: true, prefix: prefix, name)
    }

    /// Writes `</prefix:name>`.
    public mutating func close(prefix: StaticString, _ name: String) {
        qualifiedTag(opening: false, prefix: prefix, name)
    }

    /// Writes escaped character data.
    public mutating func text(_ string: String) {
        escape(string, inAttribute: false)
    }

    private mutating func qualifiedTag(opening: Bool, prefix: StaticString, _ name: String) {
        bytes.append(UInt8(ascii: "<"))
        if !opening { bytes.append(UInt8(ascii: "/")) }
        prefix.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: ":"))
        bytes.append(contentsOf: name.utf8)
        bytes.append(UInt8(ascii: ">"))
    }

    private mutating func startTag(_ name: String, _ attributes: KeyValuePairs<String, String>) {
        bytes.append(UInt8(ascii: "<"))
        bytes.append(contentsOf: name.utf8)
        for (key, value) in attributes {
            bytes.append(UInt8(ascii: " "))
            bytes.append(contentsOf: key.utf8)
            bytes.append(UInt8(ascii: "="))
            bytes.append(UInt8(ascii: "\""))
            escape(value, inAttribute: true)
            bytes.append(UInt8(ascii: "\""))
        }
    }

    private mutating func escape(_ string: String, inAttribute: Bool) {
        var string = string
        string.withUTF8 { utf8 in
            var start = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                let replacement: StaticString?
                switch byte {
                case UInt8(ascii: "&"): replacement = "&amp;"
                case UInt8(ascii: "<"): replacement = "&lt;"
                case UInt8(ascii: ">"): replacement = "&gt;"
                case UInt8(ascii: "\""): replacement = inAttribute ? "&quot;" : nil
                case UInt8(ascii: "\r"): replacement = "&#xD;"
                case UInt8(ascii: "\n"): replacement = inAttribute ? "&#xA;" : nil
                case UInt8(ascii: "\t"): replacement = inAttribute ? "&#x9;" : nil
                case 0..<0x20: replacement = "\u{FFFD}"
                default: replacement = nil
                }
                guard let replacement else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                replacement.withUTF8Buffer { bytes.append(contentsOf: $0) }
                start = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count]))
        }
    }
}
