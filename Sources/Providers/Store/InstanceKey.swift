import CIM

/// The canonical identity of an instance inside its class: key names and values folded the way WMI compares them
/// (names and string values case-insensitive, references by their own keys), so `Name="VM1"` and `name="vm1"` meet.
enum InstanceKey {
    static func string(for bindings: [CIMKeyBinding]) -> String {
        bindings
            .map { (name: $0.name.lowercased(), value: canonical($0.value)) }
            .sorted { $0.name < $1.name }
            .map { escape($0.name) + "=" + escape($0.value) }
            .joined(separator: ",")
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
