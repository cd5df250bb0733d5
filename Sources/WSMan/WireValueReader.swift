import XML

/// Reads DSP0230 values (parameters, properties, nested instances) into `WSManValue` trees.
struct WireValueReader {
    let limits: XMLLimits

    /// Groups child elements by local name in first-appearance order; repeated names become arrays.
    func namedValues(_ elements: [XMLElement]) throws(WSManFault) -> [WSManProperty] {
        var order: [String] = []
        var groups: [String: [WSManValue]] = [:]
        for element in elements {
            let value = try value(of: element)
            if groups[element.localName] == nil { order.append(element.localName) }
            groups[element.localName, default: []].append(value)
        }
        return order.map { name in
            let values = groups[name] ?? []
            return WSManProperty(name: name, value: values.count == 1 ? values[0] : .array(values))
        }
    }

    /// An instance element: `<p:Class xmlns:p="…" xsi:type="p:Class_Type"><p:Prop>…</p:Prop>…</p:Class>`.
    func instance(element: XMLElement) throws(WSManFault) -> WSManInstance {
        WSManInstance(className: element.localName, namespaceURI: element.namespaceURI,
                      properties: try namedValues(element.children), form: .element)
    }

    /// The value carried by one parameter or property element.
    func value(of element: XMLElement) throws(WSManFault) -> WSManValue {
        if let nilAttribute = element.attribute("nil", namespaceURI: WSManNamespace.xsi),
           WSManRequestDecoder.isTrue(nilAttribute) {
            return .null
        }
        if let reference = try WSManRequestDecoder.endpointReference(element) {
            return .reference(reference)
        }
        if element.children.count == 1, let child = element.children.first,
           child.namespaceURI == WSManNamespace.cimCommon,
           let form = WSManValue.DateTimeForm(rawValue: child.localName) {
            return .dateTime(form, child.trimmedText)
        }
        if !element.children.isEmpty {
            // DSP0230 embedded instance: either the property element itself is typed with
            // xsi:type="…_Type" and holds the properties, or it wraps one instance element.
            if element.attribute("type", namespaceURI: WSManNamespace.xsi) == nil, element.children.count == 1,
               let only = element.children.first, !only.children.isEmpty {
                return .instance(try instance(element: only))
            }
            let typeName = element.attribute("type", namespaceURI: WSManNamespace.xsi) ?? element.localName
            let className = Self.className(fromXSIType: typeName)
            return .instance(WSManInstance(className: className, namespaceURI: element.namespaceURI,
                                           properties: try namedValues(element.children), form: .element))
        }
        return try Self.textValue(element.text, limits: limits)
    }

    /// Plain text, or an embedded instance written as CIM-XML or MOF inside the text.
    static func textValue(_ text: String, limits: XMLLimits) throws(WSManFault) -> WSManValue {
        let head = text.trimmingXMLWhitespace()
        if head.hasPrefix("<") && CIMXMLInstanceCodec.looksLikeInstance(head) {
            return .instance(try CIMXMLInstanceCodec(limits: limits).decode(head))
        }
        if head.prefix(11).lowercased() == "instance of" {
            return .mof(text)
        }
        return .text(text)
    }

    /// `p:Msvm_X_Type` → `Msvm_X`.
    static func className(fromXSIType type: String) -> String {
        var name = Substring(type)
        if let colon = name.lastIndex(of: ":") { name = name[name.index(after: colon)...] }
        if name.hasSuffix("_Type") { name = name.dropLast(5) }
        return String(name)
    }
}
