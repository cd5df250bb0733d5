import CIM
import XML

extension WSManValue {
    /// The typed value for a property or parameter of `type` (the schema's declaration). `.null` → nil.
    ///
    /// - Text parses with `CIMValue(parsingScalar:as:)` (booleans also as `TRUE`/`FALSE`, datetimes in the
    ///   DMTF, xs:dateTime and xs:duration forms, references as WMI `__PATH` strings).
    /// - An array type takes `.array` or a single value (a one-element array; null elements are
    ///   dropped, CIM arrays hold no nulls); a scalar type takes a one-element `.array` but refuses more.
    /// - `.dateTime` children become `CIMDateTime` (xs:dateTime, xs:duration or the raw DMTF string).
    /// - `.reference` EPRs become object paths resolved against `namespace`; the class must be the
    ///   declared one or a subclass when the schema knows both.
    /// - Embedded instances: a value whose declaration has `EmbeddedInstance("X")` (pass `"X"` as
    ///   `embeddedInstanceClass`), or `EmbeddedObject` (pass `""`, any class), or whose type is `.instance`;
    ///   `CIMProperty.wsmanEmbeddedInstanceClass` / `CIMParameter.wsmanEmbeddedInstanceClass` give the value.
    ///   `.instance` is typed against the class it names (or `X` when it names no known class); CIM-XML
    ///   text is decoded first; `.mof` text goes to `mofInstanceParser` (a fault when none is given).
    ///
    /// Wrong types throw `WSManFault.invalidParameter` (2150858810) naming `name` and the expected type.
    public func cimValue(
        as type: CIMDataType, embeddedInstanceClass: String?, schema: SchemaRepository, namespace: CIMNamespace,
        mofInstanceParser: ((String) throws -> CIMInstance)?, named name: String? = nil
    ) throws(WSManFault) -> CIMValue? {
        let converter = WSManValueConverter(
            name: name, type: type, embeddedInstanceClass: embeddedInstanceClass, schema: schema,
            namespace: namespace, mofInstanceParser: mofInstanceParser)
        return try converter.convert(self)
    }
}

/// One conversion of a wire value against its declaration; keeps the context the faults name.
struct WSManValueConverter {
    let name: String?
    let type: CIMDataType
    let embeddedInstanceClass: String?
    let schema: SchemaRepository
    let namespace: CIMNamespace
    let mofInstanceParser: ((String) throws -> CIMInstance)?

    /// True when values are embedded instances rather than plain strings.
    var isEmbedded: Bool {
        if case .instance = type.scalar { return true }
        return type.scalar == .string && embeddedInstanceClass != nil
    }

    /// The class embedded instances must be (nil or empty: any class).
    var embeddedClass: String? {
        if case .instance(let className?) = type.scalar, !className.isEmpty { return className }
        if let embeddedInstanceClass, !embeddedInstanceClass.isEmpty { return embeddedInstanceClass }
        return nil
    }

    var expectedTypeName: String {
        if isEmbedded { return "embedded instance of " + (embeddedClass ?? "any class") + (type.isArray ? "[]" : "") }
        if let referenceClass = type.scalar.referenceClass {
            return "\(referenceClass) REF" + (type.isArray ? "[]" : "")
        }
        return type.description
    }

    func fault(_ why: String) -> WSManFault {
        let subject = name.map { "'\($0)'" } ?? "the value"
        return .invalidParameter("The WS-Management service cannot process the request because \(subject) "
            + "is not a valid \(expectedTypeName): \(why). ")
    }

    func convert(_ value: WSManValue) throws(WSManFault) -> CIMValue? {
        if case .null = value { return nil }
        if type.isArray {
            var elements: [CIMValue] = []
            for element in value.elements {
                if case .null = element { continue }
                if case .array = element { throw fault("arrays do not nest") }
                guard let converted = try scalar(element) else { continue }
                elements.append(converted)
            }
            return .array(elements, elementType: type.scalar)
        }
        if case .array(let values) = value {
            guard values.count <= 1 else { throw fault("\(values.count) values given for a single value") }
            guard let only = values.first else { return nil }
            return try convert(only)
        }
        return try scalar(value)
    }

    private func scalar(_ value: WSManValue) throws(WSManFault) -> CIMValue? {
        if isEmbedded { return try embedded(value) }
        switch value {
        case .null:
            return nil
        case .array:
            throw fault("arrays do not nest")
        case .text(let text):
            do {
                return try CIMValue(parsingScalar: text, as: type.scalar)
            } catch let error as CIMError {
                throw fault(error.message)
            } catch {
                throw fault("\(error)")
            }
        case .dateTime(let form, let text):
            guard type.scalar == .datetime else {
                if type.scalar == .string { return .string(text) }
                throw fault("a cim:\(form.rawValue) date/time was given")
            }
            return .datetime(try dateTime(form, text))
        case .reference(let reference):
            guard case .reference(let declared) = type.scalar else {
                throw fault("an endpoint reference was given")
            }
            let path = try reference.objectPath(defaultNamespace: namespace)
            try checkReferenceClass(path, declared: declared)
            return .reference(path)
        case .instance(let instance):
            guard type.scalar == .string else { throw fault("an instance of \(instance.className) was given") }
            // A plain string whose text happened to be CIM-XML: give the text back.
            return .string(CIMXMLInstanceCodec().encode(instance))
        case .mof(let text):
            guard type.scalar == .string else { throw fault("MOF instance text was given") }
            return .string(text)
        }
    }

    private func dateTime(_ form: WSManValue.DateTimeForm, _ text: String) throws(WSManFault) -> CIMDateTime {
        do {
            switch form {
            case .datetime: return try CIMDateTime(xsDateTime: text)
            case .interval: return try CIMDateTime(xsDuration: text)
            case .cimDateTime: return try CIMDateTime(dmtf: text)
            case .date, .time: return try CIMDateTime(parsing: text)
            }
        } catch let error as CIMError {
            throw fault(error.message)
        } catch {
            throw fault("\(error)")
        }
    }

    private func checkReferenceClass(_ path: CIMObjectPath, declared: String) throws(WSManFault) {
        let pathNamespace = path.namespace ?? namespace
        guard !declared.isEmpty, schema.class(named: declared, in: pathNamespace) != nil,
              schema.class(named: path.className, in: pathNamespace) != nil
        else { return }
        guard schema.isSubclass(path.className, of: declared, in: pathNamespace) else {
            throw fault("the reference names \(path.className), which is not a \(declared)")
        }
    }

    private func embedded(_ value: WSManValue) throws(WSManFault) -> CIMValue? {
        switch value {
        case .null:
            return nil
        case .text(let text):
            let head = text.trimmingXMLWhitespacePrefix()
            if head.isEmpty { return nil }
            let decoded = try WireValueReader.textValue(text, limits: .init())
            if case .text = decoded { throw fault("the text is neither CIM-XML nor MOF instance text") }
            return try embedded(decoded)
        case .instance(let wire):
            var className = wire.className
            if schema.class(named: className, in: namespace) == nil, let embeddedClass {
                className = embeddedClass
            }
            var typed = wire
            typed.className = className
            return .instance(try typed.cimInstance(
                schema: schema, namespace: namespace, expectedClass: embeddedClass,
                mofInstanceParser: mofInstanceParser))
        case .mof(let text):
            guard let mofInstanceParser else {
                throw fault("MOF instance text is not accepted here; send CIM-XML (GetText(CimDtd20))")
            }
            let instance: CIMInstance
            do {
                instance = try mofInstanceParser(text)
            } catch let error as WSManFault {
                throw error
            } catch {
                throw fault("the MOF does not compile: \(error)")
            }
            if let embeddedClass, !schema.isSubclass(instance.className, of: embeddedClass, in: namespace) {
                throw fault("the instance is of class \(instance.className)")
            }
            return .instance(instance)
        case .array:
            throw fault("arrays do not nest")
        case .dateTime, .reference:
            throw fault("a date/time or reference was given")
        }
    }
}
