import CIM

/// The stable, typed JSON form in which instances are stored: every value keeps its CIM type, scalars are text in
/// their canonical CIM spelling (datetimes DMTF, references WMI `__PATH`), so a stored instance reads back equal.
struct StoredInstance: Codable, Hashable, Sendable {
    var className: String
    var properties: [StoredProperty]

    init(_ instance: CIMInstance) {
        className = instance.className
        properties = instance.properties.map { StoredProperty(name: $0.name, value: $0.value.map(StoredValue.init)) }
    }

    func instance() throws -> CIMInstance {
        CIMInstance(
            className: className,
            properties: try properties.map { CIMInstance.Property(name: $0.name, value: try $0.value?.value()) })
    }
}

struct StoredProperty: Codable, Hashable, Sendable {
    var name: String
    var value: StoredValue?
}

struct StoredValue: Codable, Hashable, Sendable {
    /// CIM type name (`uint16`, `string`, `reference`, `object`); for arrays, the element type.
    var type: String
    /// Class of a reference or embedded instance type.
    var className: String?
    /// Scalar text.
    var text: String?
    /// Array elements, when the value is an array.
    var elements: [StoredValue]?
    /// Embedded instance.
    var instance: StoredInstance?

    init(_ value: CIMValue) {
        switch value {
        case .array(let elements, let elementType):
            type = elementType.name
            className = Self.className(of: elementType)
            self.elements = elements.map(StoredValue.init)
        case .instance(let embedded):
            type = "object"
            className = embedded.className
            instance = StoredInstance(embedded)
        case .reference(let path):
            type = "reference"
            className = path.className
            text = path.description
        case .real32(let number):
            type = "real32"
            text = number.description
        case .real64(let number):
            type = "real64"
            text = number.description
        default:
            type = value.type.scalar.name
            text = value.textValue
        }
    }

    private static func className(of type: CIMType) -> String? {
        switch type {
        case .reference(let name): return name
        case .instance(let name): return name
        default: return nil
        }
    }

    func value() throws -> CIMValue {
        guard let scalarType = CIMType(name: type) else {
            throw CIMStatus.failed("stored value has an unknown type \(type)")
        }
        var elementType = scalarType
        if case .reference = scalarType { elementType = .reference(className ?? "") }
        if case .instance = scalarType { elementType = .instance(className) }
        if let elements {
            return .array(try elements.map { try $0.value() }, elementType: elementType)
        }
        if let instance { return .instance(try instance.instance()) }
        guard let text else { throw CIMStatus.failed("stored \(type) value has no text") }
        switch scalarType {
        case .string: return .string(text)
        case .real32:
            guard let number = Float(text) else { throw CIMStatus.failed("stored real32 '\(text)' is malformed") }
            return .real32(number)
        case .real64:
            guard let number = Double(text) else { throw CIMStatus.failed("stored real64 '\(text)' is malformed") }
            return .real64(number)
        case .reference: return .reference(try CIMObjectPath(parsing: text))
        default: return try CIMValue(parsingScalar: text, as: scalarType)
        }
    }
}
