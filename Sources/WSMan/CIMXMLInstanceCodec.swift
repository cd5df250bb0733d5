import XML

/// The CIM-XML (DSP0201) `INSTANCE` codec used for embedded instances: what WMI's
/// `GetText(CimDtd20)` / `GetText(WmiDtd20)` produce and what Hyper-V methods take as
/// `EmbeddedInstance` string parameters.
///
/// Decoding accepts `PROPERTY`, `PROPERTY.ARRAY` and `PROPERTY.REFERENCE` with `VALUE`,
/// `VALUE.ARRAY`, `VALUE.NULL` and `VALUE.REFERENCE` (`INSTANCEPATH`, `LOCALINSTANCEPATH`,
/// `INSTANCENAME` with `KEYBINDING`s); WmiDtd20's `QUALIFIER` elements and `CLASSORIGIN` /
/// `PROPAGATED` attributes are ignored. Encoding writes the CimDtd20 form.
public struct CIMXMLInstanceCodec: Sendable {
    /// `typeName` given to properties decoded from `PROPERTY.REFERENCE`.
    public static let referenceTypeName = "reference"

    public var limits: XMLLimits

    public init(limits: XMLLimits = XMLLimits()) {
        self.limits = limits
    }

    static func looksLikeInstance(_ text: String) -> Bool {
        if text.hasPrefix("<INSTANCE") { return true }
        if text.hasPrefix("<?xml"), let end = text.firstIndex(of: ">") {
            return text[text.index(after: end)...].trimmingXMLWhitespacePrefix().hasPrefix("<INSTANCE")
        }
        return false
    }

    // MARK: Decoding

    /// Decodes `<INSTANCE CLASSNAME="…">…</INSTANCE>` text.
    public func decode(_ text: String) throws(WSManFault) -> WSManInstance {
        let root: XMLElement
        do {
            root = try XMLTreeParser(limits: limits).parse(text)
        } catch {
            throw .invalidParameter("The embedded instance is not valid CIM-XML: \(error.description) ")
        }
        return try decode(element: root)
    }

    /// Decodes a parsed `INSTANCE` element.
    public func decode(element: XMLElement) throws(WSManFault) -> WSManInstance {
        guard element.namespaceURI == nil, element.localName == "INSTANCE",
              let className = element.attribute("CLASSNAME"), !className.isEmpty
        else { throw .invalidParameter("The embedded instance must be a CIM-XML INSTANCE with a CLASSNAME. ") }
        var properties: [WSManProperty] = []
        for child in element.children where child.namespaceURI == nil {
            guard let name = child.attribute("NAME") else {
                if child.localName == "QUALIFIER" { continue }
                throw .invalidParameter("A CIM-XML \(child.localName) has no NAME. ")
            }
            switch child.localName {
            case "PROPERTY":
                let type = child.attribute("TYPE")
                let value = try child.child(nil, "VALUE").map { element throws(WSManFault) in
                    try scalar(element.text, embedded: Self.isEmbedded(child))
                } ?? .null
                properties.append(WSManProperty(name: name, typeName: type, value: value))
            case "PROPERTY.ARRAY":
                let type = child.attribute("TYPE")
                var value = WSManValue.null
                if let array = child.child(nil, "VALUE.ARRAY") {
                    var items: [WSManValue] = []
                    for item in array.children {
                        switch item.localName {
                        case "VALUE": items.append(try scalar(item.text, embedded: Self.isEmbedded(child)))
                        case "VALUE.NULL": items.append(.null)
                        default: continue
                        }
                    }
                    value = .array(items)
                }
                properties.append(WSManProperty(name: name, typeName: type, value: value))
            case "PROPERTY.REFERENCE":
                let value = try child.child(nil, "VALUE.REFERENCE").map { element throws(WSManFault) in
                    WSManValue.reference(try reference(element))
                } ?? .null
                properties.append(WSManProperty(name: name, typeName: Self.referenceTypeName, value: value))
            default:
                continue
            }
        }
        return WSManInstance(className: className, properties: properties, form: .cimXML)
    }

    private static func isEmbedded(_ property: XMLElement) -> Bool {
        property.attributes.contains { $0.localName.lowercased() == "embeddedobject" }
    }

    private func scalar(_ text: String, embedded: Bool) throws(WSManFault) -> WSManValue {
        let head = text.trimmingXMLWhitespace()
        if embedded || Self.looksLikeInstance(head) {
            if Self.looksLikeInstance(head) { return .instance(try decode(head)) }
        }
        return .text(text)
    }

    /// `VALUE.REFERENCE` → EPR. The resource URI is the WMI form when the path names a namespace,
    /// otherwise the DMTF form (the caller resolves it against the request's namespace).
    func reference(_ element: XMLElement) throws(WSManFault) -> EndpointReference {
        guard let path = element.children.first else {
            throw .invalidParameter("A CIM-XML VALUE.REFERENCE is empty. ")
        }
        var namespace: String?
        var instanceName: XMLElement?
        switch path.localName {
        case "INSTANCEPATH":
            namespace = Self.namespace(path.child(nil, "NAMESPACEPATH")?.child(nil, "LOCALNAMESPACEPATH"))
            instanceName = path.child(nil, "INSTANCENAME")
        case "LOCALINSTANCEPATH":
            namespace = Self.namespace(path.child(nil, "LOCALNAMESPACEPATH"))
            instanceName = path.child(nil, "INSTANCENAME")
        case "INSTANCENAME":
            instanceName = path
        default:
            break
        }
        guard let instanceName, let className = instanceName.attribute("CLASSNAME") else {
            throw .invalidParameter("A CIM-XML reference must name an instance (\(path.localName) given). ")
        }
        var selectors = SelectorSet()
        for binding in instanceName.children(nil, "KEYBINDING") {
            guard let name = binding.attribute("NAME") else {
                throw .invalidParameter("A CIM-XML KEYBINDING has no NAME. ")
            }
            if let nested = binding.child(nil, "VALUE.REFERENCE") {
                selectors.selectors.append(WSManSelector(name: name, value: .reference(try reference(nested))))
            } else {
                selectors.selectors.append(WSManSelector(name, binding.child(nil, "KEYVALUE")?.text ?? ""))
            }
        }
        if let keyValue = instanceName.child(nil, "KEYVALUE") {
            // A single unnamed key (singleton-like paths); the receiver matches it to the only key.
            selectors.selectors.append(WSManSelector("", keyValue.text))
        }
        let uri = namespace.map { ResourceURI.wmi(namespace: $0, className: className) }
            ?? ResourceURI.dmtf(className: className)
        return EndpointReference(resourceURI: uri, selectors: selectors)
    }

    private static func namespace(_ local: XMLElement?) -> String? {
        guard let local else { return nil }
        let parts = local.children(nil, "NAMESPACE").compactMap { $0.attribute("NAME") }
        return parts.isEmpty ? nil : parts.joined(separator: "/")
    }

    // MARK: Encoding

    /// Encodes an instance as `<INSTANCE CLASSNAME="…">` text (CimDtd20 form). Properties without a
    /// `typeName` are written as `string`; references as `PROPERTY.REFERENCE`; nested instances as
    /// escaped CIM-XML inside a `string` property marked `EmbeddedObject="instance"`.
    public func encode(_ instance: WSManInstance) -> String {
        var writer = XMLWriter(reservingCapacity: 512)
        encode(instance, into: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    func encode(_ instance: WSManInstance, into writer: inout XMLWriter) {
        writer.open("INSTANCE", ["CLASSNAME": instance.className])
        for property in instance.properties {
            encode(property, into: &writer)
        }
        writer.close("INSTANCE")
    }

    private func encode(_ property: WSManProperty, into writer: inout XMLWriter) {
        let type = property.typeName ?? "string"
        switch property.value {
        case .reference(let reference):
            writer.open("PROPERTY.REFERENCE", ["NAME": property.name])
            encodeReference(reference, into: &writer)
            writer.close("PROPERTY.REFERENCE")
        case .array(let values):
            let hasReference = values.contains { if case .reference = $0 { true } else { false } }
            if type == Self.referenceTypeName || hasReference {
                // DSP0201 has no reference arrays in PROPERTY.ARRAY; WMI writes them as path strings.
                writer.open("PROPERTY.ARRAY", ["NAME": property.name, "TYPE": "string"])
            } else if values.contains(where: { if case .instance = $0 { true } else { false } }) {
                writer.open("PROPERTY.ARRAY", ["NAME": property.name, "TYPE": "string", "EmbeddedObject": "instance"])
            } else {
                writer.open("PROPERTY.ARRAY", ["NAME": property.name, "TYPE": type])
            }
            writer.open("VALUE.ARRAY")
            for value in values {
                if case .null = value {
                    writer.empty("VALUE.NULL")
                } else {
                    writer.element("VALUE", text: scalarText(value))
                }
            }
            writer.close("VALUE.ARRAY")
            writer.close("PROPERTY.ARRAY")
        case .instance:
            writer.open("PROPERTY", ["NAME": property.name, "TYPE": "string", "EmbeddedObject": "instance"])
            writer.element("VALUE", text: scalarText(property.value))
            writer.close("PROPERTY")
        case .null:
            writer.empty("PROPERTY", ["NAME": property.name, "TYPE": type])
        case .text, .dateTime, .mof:
            writer.open("PROPERTY", ["NAME": property.name, "TYPE": type])
            writer.element("VALUE", text: scalarText(property.value))
            writer.close("PROPERTY")
        }
    }

    private func scalarText(_ value: WSManValue) -> String {
        switch value {
        case .text(let text), .mof(let text), .dateTime(_, let text): return text
        case .instance(let instance): return encode(instance)
        case .reference(let reference): return Self.wmiPath(reference)
        case .null, .array: return ""
        }
    }

    private func encodeReference(_ reference: EndpointReference, into writer: inout XMLWriter) {
        let uri = try? ResourceURI(parsing: reference.resourceURI)
        let className = uri?.className ?? ""
        let namespace = uri?.resolvedNamespace(cimNamespaceSelector: reference.selectors.cimNamespace)
        writer.open("VALUE.REFERENCE")
        let hasNamespace = uri?.kind == .wmi || reference.selectors.cimNamespace != nil
        if hasNamespace, let namespace {
            writer.open("LOCALINSTANCEPATH")
            writer.open("LOCALNAMESPACEPATH")
            for part in namespace.split(separator: "/") { writer.empty("NAMESPACE", ["NAME": String(part)]) }
            writer.close("LOCALNAMESPACEPATH")
        }
        writer.open("INSTANCENAME", ["CLASSNAME": className])
        for selector in reference.selectors.keys {
            writer.open("KEYBINDING", ["NAME": selector.name])
            switch selector.value {
            case .text(let text): writer.element("KEYVALUE", ["VALUETYPE": "string"], text: text)
            case .reference(let nested): encodeReference(nested, into: &writer)
            }
            writer.close("KEYBINDING")
        }
        writer.close("INSTANCENAME")
        if hasNamespace && namespace != nil { writer.close("LOCALINSTANCEPATH") }
        writer.close("VALUE.REFERENCE")
    }

    /// A WMI relative path string for a reference, `Class.Key="v",Key2="w"` (used in arrays).
    static func wmiPath(_ reference: EndpointReference) -> String {
        let uri = try? ResourceURI(parsing: reference.resourceURI)
        var path = ""
        if let namespace = uri?.resolvedNamespace(cimNamespaceSelector: reference.selectors.cimNamespace),
           uri?.kind == .wmi || reference.selectors.cimNamespace != nil {
            path = namespace.replacingOccurrencesOfSlash() + ":"
        }
        path += uri?.className ?? ""
        let keys = reference.selectors.keys.map { selector -> String in
            let text: String
            switch selector.value {
            case .text(let value): text = value
            case .reference(let nested): text = wmiPath(nested)
            }
            let escaped = text.replacingQuotesAndBackslashes()
            return "\(selector.name)=\"\(escaped)\""
        }
        if !keys.isEmpty { path += "." + keys.joined(separator: ",") }
        return path
    }
}

extension StringProtocol {
    func trimmingXMLWhitespacePrefix() -> Substring {
        let text = Substring(self)
        return text.drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
    }
}

extension String {
    func replacingOccurrencesOfSlash() -> String { String(map { $0 == "/" ? "\\" : $0 }) }

    func replacingQuotesAndBackslashes() -> String {
        var result = ""
        for character in self {
            if character == "\"" || character == "\\" { result.append("\\") }
            result.append(character)
        }
        return result
    }
}
