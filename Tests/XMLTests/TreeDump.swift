import XML

/// A canonical text form of a parsed tree (every field, in order) and its FNV-1a digest, so a golden file can pin
/// down exactly what the parser produced for a document without storing the whole tree.
enum TreeDump {
    static func dump(_ element: XMLElement) -> String {
        var out = ""
        write(element, depth: 0, into: &out)
        return out
    }

    static func dump(_ result: Result<XMLElement, XMLError>) -> String {
        switch result {
        case .success(let root): dump(root)
        case .failure(let error): "error \(error.description)\n"
        }
    }

    static func elementCount(_ element: XMLElement) -> Int {
        element.children.reduce(1) { $0 + elementCount($1) }
    }

    /// 64-bit FNV-1a of the UTF-8 bytes, as 16 hex digits.
    static func digest(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    private static func write(_ element: XMLElement, depth: Int, into out: inout String) {
        let indent = String(repeating: " ", count: depth * 2)
        out += "\(indent){\(element.namespaceURI ?? "-")}\(element.localName) line=\(element.line)\n"
        for attribute in element.attributes {
            out += "\(indent)  @{\(attribute.namespaceURI ?? "-")}\(attribute.localName)="
            out += "\(attribute.value.debugDescription)\n"
        }
        if !element.text.isEmpty { out += "\(indent)  text=\(element.text.debugDescription)\n" }
        for child in element.children { write(child, depth: depth + 1, into: &out) }
    }
}
