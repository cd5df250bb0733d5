import CIM

/// The canonical identity of an instance inside its class: key names and values folded the way WMI compares them
/// (names and string values case-insensitive, references by their own keys), so `Name="VM1"` and `name="vm1"` meet.
enum InstanceKey {
    static func string(for bindings: [CIMKeyBinding]) -> String {
        var pairs = bindings.map { (name: $0.name.lowercased(), value: canonical($0.value)) }
        pairs.sort { $0.name < $1.name }
        var out = ""
        for (index, pair) in pairs.enumerated() {
            if index > 0 { out += "," }
            out += escape(pair.name)
            out += "="
            out += escape(pair.value)
        }
        return out
    }

    static func string(for instance: CIMInstance, keys: [String]) throws -> String {
        var bindings: [CIMKeyBinding] = []
        for key in keys {
            guard let value = instance[key] else {
                throw CIMStatus.invalidObject("Key property \(key) of \(instance.className) has no value")
            }
            bindings.append(CIMKeyBinding(name: key, value: value))
        }
        return string(for: bindings)
    }

    private static func canonical(_ value: CIMValue) -> String {
        switch value {
        case .reference(let path):
            return path.className.lowercased() + "." + string(for: path.keyBindings)
        case .array(let elements, _):
            return "{" + elements.map(canonical).map(escape).joined(separator: ",") + "}"
        default:
            return value.textValue.lowercased()
        }
    }

    private static func escape(_ text: String) -> String {
        // Every escaped character is one ASCII byte: text without those bytes comes back unchanged.
        let special: (UInt8) -> Bool = {
            $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "{")
                || $0 == UInt8(ascii: "}")
        }
        if !text.utf8.contains(where: special) { return text }
        var out = ""
        for character in text {
            if character == "\\" || character == "," || character == "=" || character == "{" || character == "}" {
                out.append("\\")
            }
            out.append(character)
        }
        return out
    }
}
