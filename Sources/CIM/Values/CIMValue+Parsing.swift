extension CIMValue {
    /// Parses untyped text (as WS-Management sends it) into a value of `type`.
    ///
    /// Booleans accept `true`/`false`/`1`/`0`; integers are decimal with a range check; reals accept
    /// `INF`, `-INF` and `NaN`; datetimes accept the DMTF, `xs:dateTime` and `xs:duration` forms;
    /// references parse as object paths. For an array type the text becomes a one-element array;
    /// use ``init(parsing:as:)-([String],_)`` for several elements. Embedded instances cannot be
    /// parsed from plain text (decode them from CIM-XML or MOF).
    public init(parsing text: String, as type: CIMDataType) throws {
        if type.isArray {
            self = .array([try CIMValue(parsingScalar: text, as: type.scalar)], elementType: type.scalar)
        } else {
            self = try CIMValue(parsingScalar: text, as: type.scalar)
        }
    }

    /// Parses the element texts of an array of `type` (whose `isArray` is then implied).
    public init(parsing texts: [String], as type: CIMDataType) throws {
        self = .array(try texts.map { try CIMValue(parsingScalar: $0, as: type.scalar) }, elementType: type.scalar)
    }

    /// Parses one scalar of `type`.
    public init(parsingScalar text: String, as type: CIMType) throws {
        switch type {
        case .boolean:
            switch Substring(text).trimmingSpaces.lowercased() {
            case "true", "1": self = .boolean(true)
            case "false", "0": self = .boolean(false)
            default: throw CIMError.invalidValue("'\(text)' is not a boolean (expected true or false)")
            }
        case .uint8, .sint8, .uint16, .sint16, .uint32, .sint32, .uint64, .sint64:
            let trimmed = Substring(text).trimmingSpaces
            var digits = trimmed
            var negative = false
            if let f = digits.first, f == "-" || f == "+" {
                negative = f == "-"
                digits = digits.dropFirst()
            }
            guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                throw CIMError.invalidValue("'\(text)' is not a decimal integer (\(type.name))")
            }
            guard let magnitude = UInt64(digits) else {
                throw CIMError.outOfRange("value \(trimmed) is out of range for \(type.name)")
            }
            self = try CIMValue.integer(negative: negative, magnitude: magnitude, as: type)
        case .real32, .real64:
            let trimmed = String(Substring(text).trimmingSpaces)
            let value: Double
            switch trimmed {
            case "INF", "+INF": value = .infinity
            case "-INF": value = -.infinity
            case "NaN": value = .nan
            default:
                guard let v = Double(trimmed), v.isFinite, !trimmed.isEmpty,
                    trimmed.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || "+-.eE".utf8.contains($0) })
                else { throw CIMError.invalidValue("'\(text)' is not a real number (\(type.name))") }
                value = v
            }
            if type == .real32 {
                let f = Float(value)
                if value.isFinite, f.isInfinite {
                    throw CIMError.outOfRange("value \(trimmed) is out of range for real32")
                }
                self = .real32(f)
            } else {
                self = .real64(value)
            }
        case .char16:
            guard text.count == 1, let c = text.first, c.utf16.count == 1 else {
                throw CIMError.invalidValue("'\(text)' is not a single UCS-2 character (char16)")
            }
            self = .char16(c)
        case .string:
            self = .string(text)
        case .datetime:
            self = .datetime(try CIMDateTime(parsing: text))
        case .reference:
            self = .reference(try CIMObjectPath(parsing: text))
        case .instance:
            throw CIMError.typeMismatch("an embedded instance cannot be parsed from plain text")
        }
    }
}
