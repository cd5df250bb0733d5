import CIM

extension CIMInstance {
    /// The instance as the encoder renders it (DSP0230): the class's properties in schema order (those
    /// the instance lacks as nulls, those the class lacks after them), the WMI class resource URI as
    /// the element namespace. `properties` projects to those names (case-insensitive; nil = all).
    ///
    /// Values render as ``CIMValue/wsmanValue(namespace:)`` does; embedded instances become CIM-XML
    /// (`.instance` of form `.cimXML`) with every property of their class.
    public func wsmanInstance(
        schema: SchemaRepository, namespace: CIMNamespace, properties: [String]? = nil
    ) -> WSManInstance {
        var rendered = WSManRenderer(namespace: namespace, schema: schema).instance(self, form: .element)
        if let properties {
            let wanted = Set(properties.map { $0.lowercased() })
            rendered.properties.removeAll { !wanted.contains($0.name.lowercased()) }
        }
        return rendered
    }
}

extension CIMValue {
    /// The DSP0230 rendering of one value (method OUT parameters, ReturnValue): booleans `true`/`false`,
    /// decimal integers, reals in a round-trippable form (`INF`, `-INF`, `NaN`), datetimes as
    /// `cim:Datetime` (xs:dateTime) or `cim:Interval` (xs:duration) — `cim:CIM_DateTime` for wildcard
    /// forms —, references as EPRs, embedded instances as CIM-XML, arrays as `.array`.
    public func wsmanValue(namespace: CIMNamespace) -> WSManValue {
        WSManRenderer(namespace: namespace, schema: nil).value(self, inCIMXML: false)
    }
}

/// Renders CIM values and instances to wire values, with the schema when one is known.
struct WSManRenderer {
    let namespace: CIMNamespace
    let schema: SchemaRepository?

    func instance(_ instance: CIMInstance, form: WSManInstance.Form) -> WSManInstance {
        let cls = schema?.class(named: instance.className, in: namespace)
        let className = cls?.name ?? instance.className
        let declared = cls?.properties ?? []
        // Which instance property holds each declared one (names match ignoring case, unique on both sides);
        // the instance's other properties follow in their own order.
        var slots = [Int?](repeating: nil, count: declared.count)
        var undeclared: [Int] = []
        for (position, property) in instance.properties.enumerated() {
            if let index = cls?.propertyIndex(named: property.name) {
                slots[index] = position
            } else {
                undeclared.append(position)
            }
        }
        var out: [WSManProperty] = []
        out.reserveCapacity(declared.count + undeclared.count)
        for index in declared.indices {
            let value = slots[index].flatMap { instance.properties[$0].value }
            out.append(property(declared[index].name, value, type: declared[index].dataType, form: form))
        }
        for position in undeclared {
            let property = instance.properties[position]
            out.append(self.property(property.name, property.value, type: property.type ?? property.value?.type,
                                     form: form))
        }
        return WSManInstance(
            className: className,
            namespaceURI: ResourceURI.wmi(namespace: namespace.name, className: className).description,
            properties: out, form: form)
    }

    private func property(
        _ name: String, _ value: CIMValue?, type: CIMDataType?, form: WSManInstance.Form
    ) -> WSManProperty {
        WSManProperty(name: name, typeName: type.map(Self.typeName),
                      value: value.map { self.value($0, inCIMXML: form == .cimXML) } ?? .null)
    }

    /// The CIM-XML `TYPE` of a declared type: embedded instances travel as `string`.
    static func typeName(_ type: CIMDataType) -> String {
        switch type.scalar {
        case .instance: "string"
        case .reference: CIMXMLInstanceCodec.referenceTypeName
        default: type.scalar.name
        }
    }

    func value(_ value: CIMValue, inCIMXML: Bool) -> WSManValue {
        switch value {
        case .datetime(let dateTime):
            if inCIMXML { return .dateTime(.cimDateTime, dateTime.dmtfString) }
            if let xs = dateTime.xsDateTime { return .dateTime(.datetime, xs) }
            if let xs = dateTime.xsDuration { return .dateTime(.interval, xs) }
            return .dateTime(.cimDateTime, dateTime.dmtfString)
        case .reference(let path):
            return .reference(path.endpointReference(defaultNamespace: namespace))
        case .instance(let embedded):
            return .instance(instance(embedded, form: .cimXML))
        case .array(let elements, _):
            return .array(elements.map { self.value($0, inCIMXML: inCIMXML) })
        case .real32(let v):
            return .text(v.isFinite ? v.description : value.textValue)
        case .real64(let v):
            return .text(v.isFinite ? v.description : value.textValue)
        default:
            return .text(value.textValue)
        }
    }
}
