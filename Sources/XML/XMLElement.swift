/// An attribute of an `XMLElement`; `namespaceURI` is nil for unqualified attributes.
public struct XMLAttribute: Sendable, Hashable {
    public var namespaceURI: String?
    public var localName: String
    public var value: String

    public init(namespaceURI: String?, localName: String, value: String) {
        self.namespaceURI = namespaceURI
        self.localName = localName
        self.value = value
    }
}

/// A read-only, namespace-resolved element tree. Prefixes are resolved away: code that reads a
/// request compares namespace URIs and local names only.
public struct XMLElement: Sendable, Hashable {
    /// Namespace URI of the element, nil when it is in no namespace.
    public var namespaceURI: String?
    public var localName: String
    public var attributes: [XMLAttribute]
    /// Child elements in document order.
    public var children: [XMLElement]
    /// The concatenated character data (text and CDATA) directly inside this element.
    public var text: String
    /// 1-based source line of the start tag (0 when unknown).
    public var line: Int

    public init(
        namespaceURI: String?, localName: String, attributes: [XMLAttribute] = [],
        children: [XMLElement] = [], text: String = "", line: Int = 0
    ) {
        self.namespaceURI = namespaceURI
        self.localName = localName
        self.attributes = attributes
        self.children = children
        self.text = text
        self.line = line
    }

    /// True if the element has this namespace and local name.
    public func `is`(_ namespaceURI: String?, _ localName: String) -> Bool {
        self.localName == localName && self.namespaceURI == namespaceURI
    }

    /// The first child with this namespace and local name.
    public func child(_ namespaceURI: String?, _ localName: String) -> XMLElement? {
        children.first { $0.is(namespaceURI, localName) }
    }

    /// Every child with this namespace and local name, in order.
    public func children(_ namespaceURI: String?, _ localName: String) -> [XMLElement] {
        children.filter { $0.is(namespaceURI, localName) }
    }

    /// The value of an attribute, matched by namespace and local name.
    public func attribute(_ localName: String, namespaceURI: String? = nil) -> String? {
        attributes.first { $0.localName == localName && $0.namespaceURI == namespaceURI }?.value
    }

    /// The text with leading and trailing XML whitespace removed.
    public var trimmedText: String { text.trimmingXMLWhitespace() }
}

extension String {
    /// Removes leading and trailing space, tab, CR and LF (XML's whitespace set).
    public func trimmingXMLWhitespace() -> String {
        let isSpaceByte: (UInt8) -> Bool = {
            $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r")
        }
        // Most text has nothing to trim: keep it rather than copy it.
        guard let firstByte = utf8.first, let lastByte = utf8.last else { return self }
        if !isSpaceByte(firstByte) && !isSpaceByte(lastByte) { return self }
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }) else { return "" }
        guard let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
