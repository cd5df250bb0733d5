// The one WQL printer. Output parses back to an equal value; parentheses appear only where precedence or the
// left-associativity of AND/OR needs them.

extension WQLStatement: CustomStringConvertible {
    public var description: String {
        switch self {
        case .select(let statement): return statement.description
        case .associators(let statement): return statement.description
        case .references(let statement): return statement.description
        }
    }
}

extension WQLSelectStatement: CustomStringConvertible {
    public var description: String {
        var text = "SELECT " + (properties.map { $0.joined(separator: ", ") } ?? "*") + " FROM " + className
        if let condition { text += " WHERE " + condition.description }
        return text
    }
}

extension WQLAssociatorsStatement: CustomStringConvertible {
    public var description: String {
        var options: [String] = []
        if let associationClass { options.append("AssocClass = " + WQLPrinting.name(associationClass)) }
        if let resultClass { options.append("ResultClass = " + WQLPrinting.name(resultClass)) }
        if let role { options.append("Role = " + WQLPrinting.name(role)) }
        if let resultRole { options.append("ResultRole = " + WQLPrinting.name(resultRole)) }
        if let requiredQualifier { options.append("RequiredQualifier = " + WQLPrinting.name(requiredQualifier)) }
        if let requiredAssociationQualifier {
            options.append("RequiredAssocQualifier = " + WQLPrinting.name(requiredAssociationQualifier))
        }
        if classDefinitionsOnly { options.append("ClassDefsOnly") }
        if schemaOnly { options.append("SchemaOnly") }
        return "ASSOCIATORS OF {\(objectPath)}" + (options.isEmpty ? "" : " WHERE " + options.joined(separator: " "))
    }
}

extension WQLReferencesStatement: CustomStringConvertible {
    public var description: String {
        var options: [String] = []
        if let resultClass { options.append("ResultClass = " + WQLPrinting.name(resultClass)) }
        if let role { options.append("Role = " + WQLPrinting.name(role)) }
        if let requiredQualifier { options.append("RequiredQualifier = " + WQLPrinting.name(requiredQualifier)) }
        if classDefinitionsOnly { options.append("ClassDefsOnly") }
        if schemaOnly { options.append("SchemaOnly") }
        return "REFERENCES OF {\(objectPath)}" + (options.isEmpty ? "" : " WHERE " + options.joined(separator: " "))
    }
}

extension WQLExpression: CustomStringConvertible {
    public var description: String {
        switch self {
        case .or(let left, let right):
            return left.description + " OR " + right.printed(parenthesizedBelow: .and)
        case .and(let left, let right):
            return left.printed(parenthesizedBelow: .and) + " AND " + right.printed(parenthesizedBelow: .not)
        case .not(let inner):
            return "NOT " + inner.printed(parenthesizedBelow: .not)
        case .comparison(let left, let op, let right):
            return left.description + " " + op.rawValue + " " + right.description
        case .like(let property, let pattern):
            return property + " LIKE " + WQLPrinting.quoted(pattern)
        case .isa(let property, let className):
            return property + " ISA " + WQLPrinting.quoted(className)
        case .isNull(let property, let negated):
            return property + (negated ? " IS NOT NULL" : " IS NULL")
        }
    }

    private enum Precedence: Int, Comparable {
        case or, and, not, predicate
        static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    private var precedence: Precedence {
        switch self {
        case .or: return .or
        case .and: return .and
        case .not: return .not
        default: return .predicate
        }
    }

    private func printed(parenthesizedBelow minimum: Precedence) -> String {
        precedence < minimum ? "(" + description + ")" : description
    }
}

extension WQLOperand: CustomStringConvertible {
    public var description: String {
        switch self {
        case .property(let name): return name
        case .literal(let literal): return literal.description
        }
    }
}

extension WQLLiteral: CustomStringConvertible {
    public var description: String {
        switch self {
        case .string(let text): return WQLPrinting.quoted(text)
        case .integer(let value): return String(value)
        case .unsignedInteger(let value): return String(value)
        case .real(let value): return "\(value)"
        case .boolean(let value): return value ? "TRUE" : "FALSE"
        case .null: return "NULL"
        }
    }
}

enum WQLPrinting {
    /// A single-quoted WQL string with `\` and `'` escaped.
    static func quoted(_ text: String) -> String {
        var result = "'"
        for scalar in text.unicodeScalars {
            if scalar == "\\" || scalar == "'" { result.unicodeScalars.append("\\") }
            result.unicodeScalars.append(scalar)
        }
        return result + "'"
    }

    /// A name as a bare word when it lexes as one, quoted otherwise.
    static func name(_ text: String) -> String {
        let isWord =
            !text.isEmpty && !WQLParser.reservedWords.contains(text.uppercased())
            && text.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
            && text.unicodeScalars.first.map { !("0"..."9").contains($0) } == true
        return isWord ? text : quoted(text)
    }
}
