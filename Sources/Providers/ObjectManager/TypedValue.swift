import CIM

/// Converts a value as it arrived (WS-Man sends text; WQL and paths carry 64-bit integers) to a declared type.
enum TypedValue {
    /// `value` as a value of `type`: text is parsed, integers change width within range, arrays convert element
    /// by element and a scalar given for an array type becomes a one-element array. Throws `CIMError` otherwise.
    static func convert(_ value: CIMValue, to type: CIMDataType) throws -> CIMValue {
        if type.isArray {
            let elements = value.arrayElements ?? [value]
            return .array(try elements.map { try convertScalar($0, to: type.scalar) }, elementType: type.scalar)
        }
        if value.arrayElements != nil {
            throw CIMError.typeMismatch("an array was given where a single \(type.scalar) is declared")
        }
        return try convertScalar(value, to: type.scalar)
    }

    private static func convertScalar(_ value: CIMValue, to type: CIMType) throws -> CIMValue {
        if value.type.scalar.isSameType(as: type) { return value }
        switch (value, type) {
        case (.string(let text), _):
            return try CIMValue(parsingScalar: text, as: type)
        case (.reference, .reference), (.instance, .instance), (.instance, .string):
            // An EmbeddedInstance/EmbeddedObject parameter is declared `string`; the WS-Man layer typed it already.
            return value
        case (_, .string):
            throw CIMError.typeMismatch("a \(value.type) value was given where a string is declared")
        default:
            if type.isInteger, let signed = value.int64Value {
                return try CIMValue.integer(signed, as: type)
            }
            if type.isInteger, let unsigned = value.uint64Value {
                return try CIMValue.integer(unsigned, as: type)
            }
            throw CIMError.typeMismatch("a \(value.type) value was given where \(type) is declared")
        }
    }
}
