import Foundation

extension WQLExpression {
    /// True when `instance` satisfies the condition. Follows SQL's three-valued logic: a comparison with a null or a
    /// missing property is unknown, and unknown is not a match (also under `NOT`). `x = NULL` / `x <> NULL` test for
    /// null. String comparisons and `LIKE` ignore case, as WMI's do; datetime properties compare with DMTF datetime
    /// strings in time order. `ISA` uses `schema` for inheritance when given (exact class names otherwise).
    public func matches(
        _ instance: CIMInstance, schema: SchemaRepository? = nil, namespace: CIMNamespace? = nil
    ) throws -> Bool {
        try evaluate(instance, schema, namespace) == true
    }

    private func evaluate(_ instance: CIMInstance, _ schema: SchemaRepository?, _ namespace: CIMNamespace?) throws
        -> Bool?
    {
        switch self {
        case .and(let left, let right):
            let l = try left.evaluate(instance, schema, namespace)
            if l == false { return false }
            let r = try right.evaluate(instance, schema, namespace)
            if r == false { return false }
            return (l == true && r == true) ? true : nil
        case .or(let left, let right):
            let l = try left.evaluate(instance, schema, namespace)
            if l == true { return true }
            let r = try right.evaluate(instance, schema, namespace)
            if r == true { return true }
            return (l == false && r == false) ? false : nil
        case .not(let inner):
            return try inner.evaluate(instance, schema, namespace).map { !$0 }
        case .isNull(let property, let negated):
            return (Self.value(of: property, in: instance) == nil) != negated
        case .like(let property, let pattern):
            guard let value = Self.value(of: property, in: instance), value.arrayElements == nil else { return nil }
            return try WQLLikePattern(pattern).matches(value.stringValue ?? value.textValue)
        case .isa(let property, let className):
            return try Self.isa(property, className, instance, schema, namespace)
        case .comparison(let left, let op, let right):
            return Self.compare(left, op, right, instance)
        }
    }

    private static func value(of property: String, in instance: CIMInstance) -> CIMValue? {
        if property.caseInsensitiveCompare("__CLASS") == .orderedSame { return .string(instance.className) }
        return instance[property]
    }

    private static func isa(
        _ property: String, _ className: String, _ instance: CIMInstance, _ schema: SchemaRepository?,
        _ namespace: CIMNamespace?
    ) throws -> Bool? {
        let subject: String?
        if property.caseInsensitiveCompare("__THIS") == .orderedSame
            || property.caseInsensitiveCompare("__CLASS") == .orderedSame
        {
            subject = instance.className
        } else {
            switch instance[property] {
            case .instance(let embedded): subject = embedded.className
            case .reference(let path): subject = path.className
            case .none: return nil
            default: throw WQLError.evaluation("ISA needs an object-valued property; \(property) is not one")
            }
        }
        guard let subject else { return nil }
        guard let schema, let namespace else {
            return subject.caseInsensitiveCompare(className) == .orderedSame
        }
        guard schema.class(named: className, in: namespace) != nil else {
            throw WQLError.evaluation("ISA names the unknown class \(className)")
        }
        return schema.isSubclass(subject, of: className, in: namespace)
    }

    private static func compare(
        _ left: WQLOperand, _ op: WQLComparisonOperator, _ right: WQLOperand, _ instance: CIMInstance
    ) -> Bool? {
        switch (left, right) {
        case (.literal(let literal), .property(let name)):
            return compare(.property(name), op.mirrored, .literal(literal), instance)
        case (.property(let name), .literal(let literal)):
            let value = value(of: name, in: instance)
            if literal == .null {
                switch op {
                case .equal: return value == nil
                case .notEqual, .notEqualBang: return value != nil
                default: return nil
                }
            }
            guard let value else { return nil }
            return order(value, literal).map { apply(op, $0) }
        case (.property(let leftName), .property(let rightName)):
            guard let l = value(of: leftName, in: instance), let r = value(of: rightName, in: instance),
                let literal = literal(for: r)
            else { return nil }
            return order(l, literal).map { apply(op, $0) }
        case (.literal(let l), .literal(let r)):
            guard let value = value(for: l) else { return nil }
            return order(value, r).map { apply(op, $0) }
        }
    }

    private static func apply(_ op: WQLComparisonOperator, _ order: ComparisonResult) -> Bool {
        switch op {
        case .equal: return order == .orderedSame
        case .notEqual, .notEqualBang: return order != .orderedSame
        case .lessThan: return order == .orderedAscending
        case .greaterThan: return order == .orderedDescending
        case .lessThanOrEqual: return order != .orderedDescending
        case .greaterThanOrEqual: return order != .orderedAscending
        }
    }

    private static func literal(for value: CIMValue) -> WQLLiteral? {
        switch value {
        case .boolean(let flag): return .boolean(flag)
        case .real32, .real64: return value.doubleValue.map { .real($0) }
        case .uint64(let number) where number > UInt64(Int64.max): return .unsignedInteger(number)
        case .array, .instance: return nil
        default:
            if let number = value.int64Value { return .integer(number) }
            return .string(value.stringValue ?? value.textValue)
        }
    }

    private static func value(for literal: WQLLiteral) -> CIMValue? {
        switch literal {
        case .string(let text): return .string(text)
        case .integer(let number): return .sint64(number)
        case .unsignedInteger(let number): return .uint64(number)
        case .real(let number): return .real64(number)
        case .boolean(let flag): return .boolean(flag)
        case .null: return nil
        }
    }

    /// How `value` orders against `literal`, or nil when they cannot be compared.
    private static func order(_ value: CIMValue, _ literal: WQLLiteral) -> ComparisonResult? {
        switch value {
        case .array, .instance:
            return nil
        case .boolean(let flag):
            let other: Bool?
            switch literal {
            case .boolean(let b): other = b
            case .integer(let n): other = n == 0 ? false : (n == 1 ? true : nil)
            case .string(let s): other = s.lowercased() == "true" ? true : (s.lowercased() == "false" ? false : nil)
            default: other = nil
            }
            guard let other else { return nil }
            return flag == other ? .orderedSame : (flag ? .orderedDescending : .orderedAscending)
        case .datetime(let datetime):
            guard case .string(let text) = literal, let other = try? CIMDateTime(parsing: text) else { return nil }
            if let a = datetime.date, let b = other.date { return ordered(a, b) }
            if let a = datetime.intervalSeconds, let b = other.intervalSeconds { return ordered(a, b) }
            return nil
        case .reference(let path):
            guard case .string(let text) = literal, let other = try? CIMObjectPath(parsing: text) else { return nil }
            return path.refersToSameInstance(as: other) ? .orderedSame : .orderedAscending
        case .string, .char16:
            let text = value.stringValue ?? value.textValue
            let other: String
            switch literal {
            case .string(let s): other = s
            case .integer(let n): other = String(n)
            case .unsignedInteger(let n): other = String(n)
            case .real(let d): other = "\(d)"
            case .boolean(let b): other = b ? "TRUE" : "FALSE"
            case .null: return nil
            }
            return text.caseInsensitiveCompare(other)
        default:
            return numericOrder(value, literal)
        }
    }

    private static func numericOrder(_ value: CIMValue, _ literal: WQLLiteral) -> ComparisonResult? {
        var literal = literal
        if case .string(let text) = literal {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if let n = Int64(trimmed) {
                literal = .integer(n)
            } else if let n = UInt64(trimmed) {
                literal = .unsignedInteger(n)
            } else if let d = Double(trimmed) {
                literal = .real(d)
            } else {
                return nil
            }
        }
        switch literal {
        case .integer(let n):
            if let v = value.int64Value { return ordered(v, n) }
            if let v = value.uint64Value { return n < 0 ? .orderedDescending : ordered(v, UInt64(n)) }
            return value.doubleValue.map { ordered($0, Double(n)) }
        case .unsignedInteger(let n):
            if let v = value.uint64Value { return ordered(v, n) }
            if value.int64Value != nil { return .orderedAscending }
            return value.doubleValue.map { ordered($0, Double(n)) }
        case .real(let d):
            return value.doubleValue.map { ordered($0, d) }
        case .boolean(let b):
            return value.int64Value.map { ordered($0, b ? 1 : 0) }
        case .string, .null:
            return nil
        }
    }

    private static func ordered<T: Comparable>(_ a: T, _ b: T) -> ComparisonResult {
        a == b ? .orderedSame : (a < b ? .orderedAscending : .orderedDescending)
    }
}
