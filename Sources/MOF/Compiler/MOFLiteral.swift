import CIM

/// A value as written in MOF, before it is converted to its declared type.
indirect enum MOFLiteral: Sendable {
    case integer(negative: Bool, magnitude: UInt64)
    case real(Double)
    case string(String)
    case char16(Character)
    case boolean(Bool)
    case null
    case array([MOFLiteral])
    case alias(String)
    case instance(CIMInstance)

    /// Converts to `type`, with a message on mismatch.
    func value(as type: CIMDataType, aliases: [String: CIMObjectPath]) throws -> CIMValue? {
        if case .null = self { return nil }
        if type.isArray {
            let items: [MOFLiteral]
            if case .array(let a) = self { items = a } else { items = [self] }
            var out: [CIMValue] = []
            for item in items {
                guard let v = try item.value(as: CIMDataType(type.scalar), aliases: aliases) else { continue }
                out.append(v)
            }
            return .array(out, elementType: type.scalar)
        }
        switch (self, type.scalar) {
        case (.array, _):
            throw CIMError.typeMismatch("an array value is not a value of scalar type \(type.scalar.name)")
        case (.integer(let n, let m), let t) where t.isInteger:
            return try CIMValue.integer(negative: n, magnitude: m, as: t)
        case (.integer(let n, let m), .real32):
            return .real32(Float(m) * (n ? -1 : 1))
        case (.integer(let n, let m), .real64):
            return .real64(Double(m) * (n ? -1 : 1))
        case (.real(let d), .real32): return .real32(Float(d))
        case (.real(let d), .real64): return .real64(d)
        case (.boolean(let b), .boolean): return .boolean(b)
        case (.string(let s), .string): return .string(s)
        case (.char16(let c), .char16): return .char16(c)
        case (.string(let s), .char16) where s.count == 1: return .char16(s.first ?? " ")
        case (.string(let s), .datetime): return .datetime(try CIMDateTime(dmtf: s))
        case (.string(let s), .reference): return .reference(try CIMObjectPath(parsing: s))
        case (.alias(let a), .reference):
            guard let p = aliases[a.lowercased()] else { throw CIMError.invalidValue("unknown alias '$\(a)'") }
            return .reference(p)
        case (.instance(let i), .string), (.instance(let i), .instance): return .instance(i)
        default:
            throw CIMError.typeMismatch("\(kindName) is not a value of type \(type.scalar.name)")
        }
    }

    var kindName: String {
        switch self {
        case .integer: "an integer"
        case .real: "a real number"
        case .string: "a string"
        case .char16: "a char16"
        case .boolean: "a boolean"
        case .null: "NULL"
        case .array: "an array"
        case .alias: "an alias"
        case .instance: "an instance"
        }
    }

    /// The type a value of an undeclared qualifier gets.
    var inferredType: CIMDataType {
        switch self {
        case .integer(let n, _): CIMDataType(n ? .sint64 : .uint64)
        case .real: CIMDataType(.real64)
        case .char16: CIMDataType(.char16)
        case .boolean, .null: CIMDataType(.boolean)
        case .array(let a): CIMDataType(a.first?.inferredType.scalar ?? .string, isArray: true)
        default: CIMDataType(.string)
        }
    }
}
