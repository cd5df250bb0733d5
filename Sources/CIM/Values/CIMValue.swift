/// A non-null CIM value: a typed scalar or an array. CIM null is `Optional<CIMValue>.none`.
public enum CIMValue: Hashable, Sendable, CustomStringConvertible {
    case boolean(Bool)
    case uint8(UInt8)
    case sint8(Int8)
    case uint16(UInt16)
    case sint16(Int16)
    case uint32(UInt32)
    case sint32(Int32)
    case uint64(UInt64)
    case sint64(Int64)
    case real32(Float)
    case real64(Double)
    case char16(Character)
    case string(String)
    indirect case datetime(CIMDateTime)
    indirect case reference(CIMObjectPath)
    /// An embedded instance (a property or parameter with `EmbeddedInstance`/`EmbeddedObject`).
    indirect case instance(CIMInstance)
    /// An array whose elements all have type `elementType`.
    case array([CIMValue], elementType: CIMType)

    /// The type of this value. Arrays report their element type with `isArray`.
    public var type: CIMDataType {
        switch self {
        case .boolean: CIMDataType(.boolean)
        case .uint8: CIMDataType(.uint8)
        case .sint8: CIMDataType(.sint8)
        case .uint16: CIMDataType(.uint16)
        case .sint16: CIMDataType(.sint16)
        case .uint32: CIMDataType(.uint32)
        case .sint32: CIMDataType(.sint32)
        case .uint64: CIMDataType(.uint64)
        case .sint64: CIMDataType(.sint64)
        case .real32: CIMDataType(.real32)
        case .real64: CIMDataType(.real64)
        case .char16: CIMDataType(.char16)
        case .string: CIMDataType(.string)
        case .datetime: CIMDataType(.datetime)
        case .reference(let p): CIMDataType(.reference(p.className))
        case .instance(let i): CIMDataType(.instance(i.className))
        case .array(_, let t): CIMDataType(t, isArray: true)
        }
    }

    // MARK: Construction

    /// An integer of `type` (one of the eight integer types), with a range check.
    public static func integer(_ value: Int64, as type: CIMType) throws -> CIMValue {
        guard let bounds = type.integerBounds else {
            throw CIMError.typeMismatch("an integer is not a value of type \(type.name)")
        }
        guard value >= bounds.min, value < 0 || UInt64(value) <= bounds.max else {
            throw CIMError.outOfRange("value \(value) is out of range for \(type.name) (\(bounds.min)...\(bounds.max))")
        }
        return make(negative: value < 0, magnitude: value.magnitude, type)
    }

    /// An unsigned integer of `type`, with a range check.
    public static func integer(_ value: UInt64, as type: CIMType) throws -> CIMValue {
        guard let bounds = type.integerBounds else {
            throw CIMError.typeMismatch("an integer is not a value of type \(type.name)")
        }
        guard value <= bounds.max else {
            throw CIMError.outOfRange("value \(value) is out of range for \(type.name) (\(bounds.min)...\(bounds.max))")
        }
        return make(negative: false, magnitude: value, type)
    }

    /// An integer given as sign and magnitude (so every uint64 and sint64 value fits), range-checked.
    public static func integer(negative: Bool, magnitude: UInt64, as type: CIMType) throws -> CIMValue {
        guard negative, magnitude > 0 else { return try integer(magnitude, as: type) }
        guard let bounds = type.integerBounds else {
            throw CIMError.typeMismatch("an integer is not a value of type \(type.name)")
        }
        guard magnitude <= bounds.min.magnitude else {
            throw CIMError.outOfRange(
                "value -\(magnitude) is out of range for \(type.name) (\(bounds.min)...\(bounds.max))")
        }
        return make(negative: true, magnitude: magnitude, type)
    }

    private static func make(negative: Bool, magnitude: UInt64, _ type: CIMType) -> CIMValue {
        let signed: Int64 = negative ? (magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)) : 0
        switch type {
        case .uint8: return .uint8(UInt8(magnitude))
        case .uint16: return .uint16(UInt16(magnitude))
        case .uint32: return .uint32(UInt32(magnitude))
        case .uint64: return .uint64(magnitude)
        case .sint8: return .sint8(negative ? Int8(signed) : Int8(magnitude))
        case .sint16: return .sint16(negative ? Int16(signed) : Int16(magnitude))
        case .sint32: return .sint32(negative ? Int32(signed) : Int32(magnitude))
        default: return .sint64(negative ? signed : Int64(magnitude))
        }
    }

    // MARK: Accessors

    /// The string of a `.string` value.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The boolean of a `.boolean` value.
    public var boolValue: Bool? {
        if case .boolean(let b) = self { return b }
        return nil
    }

    /// Any integer value that fits in Int64.
    public var int64Value: Int64? {
        switch self {
        case .uint8(let v): Int64(v)
        case .sint8(let v): Int64(v)
        case .uint16(let v): Int64(v)
        case .sint16(let v): Int64(v)
        case .uint32(let v): Int64(v)
        case .sint32(let v): Int64(v)
        case .uint64(let v): Int64(exactly: v)
        case .sint64(let v): v
        default: nil
        }
    }

    /// Any non-negative integer value.
    public var uint64Value: UInt64? {
        if case .uint64(let v) = self { return v }
        return int64Value.flatMap { UInt64(exactly: $0) }
    }

    /// Any integer value as Int, when it fits.
    public var intValue: Int? { int64Value.flatMap { Int(exactly: $0) } }

    /// Any numeric value as Double.
    public var doubleValue: Double? {
        switch self {
        case .real32(let v): Double(v)
        case .real64(let v): v
        case .uint64(let v): Double(v)
        default: int64Value.map(Double.init)
        }
    }

    /// The date/time of a `.datetime` value.
    public var dateTimeValue: CIMDateTime? {
        if case .datetime(let d) = self { return d }
        return nil
    }

    /// The path of a `.reference` value (or of a `.string` holding a path).
    public var referenceValue: CIMObjectPath? {
        switch self {
        case .reference(let p): p
        case .string(let s): try? CIMObjectPath(parsing: s)
        default: nil
        }
    }

    /// The instance of an `.instance` value.
    public var instanceValue: CIMInstance? {
        if case .instance(let i) = self { return i }
        return nil
    }

    /// The elements of an `.array` value.
    public var arrayElements: [CIMValue]? {
        if case .array(let a, _) = self { return a }
        return nil
    }

    // MARK: Text

    /// The value as WS-Management text: `true`/`false`, decimal integers, reals (`INF`, `-INF`, `NaN`),
    /// the DMTF datetime string, the object path. Arrays join their elements with `,`; embedded
    /// instances render MOF-like (encode them structurally instead).
    public var textValue: String {
        switch self {
        case .boolean(let b): b ? "true" : "false"
        case .uint8(let v): String(v)
        case .sint8(let v): String(v)
        case .uint16(let v): String(v)
        case .sint16(let v): String(v)
        case .uint32(let v): String(v)
        case .sint32(let v): String(v)
        case .uint64(let v): String(v)
        case .sint64(let v): String(v)
        case .real32(let v): Self.realText(Double(v), float: v.description)
        case .real64(let v): Self.realText(v, float: v.description)
        case .char16(let c): String(c)
        case .string(let s): s
        case .datetime(let d): d.dmtfString
        case .reference(let p): p.description
        case .instance(let i): i.description
        case .array(let a, _): a.map(\.textValue).joined(separator: ",")
        }
    }

    /// The elements' texts for an array, the single text otherwise.
    public var textValues: [String] {
        if case .array(let a, _) = self { return a.map(\.textValue) }
        return [textValue]
    }

    private static func realText(_ v: Double, float: String) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v < 0 ? "-INF" : "INF" }
        return float
    }

    /// The value as a MOF literal (`"a\"b"`, `42`, `true`, `{1, 2}`, `'c'`).
    public var mofLiteral: String {
        switch self {
        case .string(let s): Self.mofQuoted(s)
        case .char16(let c): "'" + Self.mofEscaped(String(c), quote: "'") + "'"
        case .datetime(let d): "\"" + d.dmtfString + "\""
        case .reference(let p): Self.mofQuoted(p.description)
        case .instance(let i): i.description
        case .array(let a, _): "{" + a.map(\.mofLiteral).joined(separator: ", ") + "}"
        case .real32, .real64:
            textValue
        default: textValue
        }
    }

    /// `s` as a quoted MOF string literal with escapes.
    public static func mofQuoted(_ s: String) -> String { "\"" + mofEscaped(s, quote: "\"") + "\"" }

    static func mofEscaped(_ s: String, quote: Unicode.Scalar) -> String {
        var out = String.UnicodeScalarView()
        for c in s.unicodeScalars {
            switch c {
            case "\\": out.append(contentsOf: "\\\\".unicodeScalars)
            case quote: out.append("\\"); out.append(c)
            case "\n": out.append(contentsOf: "\\n".unicodeScalars)
            case "\r": out.append(contentsOf: "\\r".unicodeScalars)
            case "\t": out.append(contentsOf: "\\t".unicodeScalars)
            case "\u{08}": out.append(contentsOf: "\\b".unicodeScalars)
            case "\u{0C}": out.append(contentsOf: "\\f".unicodeScalars)
            default:
                if c.value < 0x20 {
                    let hex = String(c.value, radix: 16)
                    out.append(contentsOf: "\\x\(String(repeating: "0", count: 4 - hex.count))\(hex)".unicodeScalars)
                } else {
                    out.append(c)
                }
            }
        }
        return String(out)
    }

    public var description: String { mofLiteral }
}
