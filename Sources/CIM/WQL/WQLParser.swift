/// Recursive-descent parser for WQL. Precedence, loosest first: `OR`, `AND`, `NOT`, predicates; `AND`/`OR` are
/// left-associative.
struct WQLParser {
    private let tokens: [WQLToken]
    private var index = 0

    init(_ text: String) throws {
        tokens = try WQLLexer.tokenize(text)
    }

    private var current: WQLToken { tokens[index] }

    private mutating func advance() -> WQLToken {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    private mutating func expectKeyword(_ keyword: String) throws {
        guard current.isKeyword(keyword) else {
            throw WQLError.syntax("expected \(keyword) but found \(current.displayText)", at: current.position)
        }
        _ = advance()
    }

    private mutating func acceptKeyword(_ keyword: String) -> Bool {
        guard current.isKeyword(keyword) else { return false }
        _ = advance()
        return true
    }

    private mutating func expectName(_ what: String) throws -> String {
        guard let name = current.identifier, !Self.reservedWords.contains(name.uppercased()) else {
            throw WQLError.syntax("expected \(what) but found \(current.displayText)", at: current.position)
        }
        _ = advance()
        return name
    }

    private mutating func expectEnd() throws {
        guard current.kind == .end else {
            throw WQLError.syntax("unexpected \(current.displayText)", at: current.position)
        }
    }

    static let reservedWords: Set<String> = [
        "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "LIKE", "ISA", "IS", "NULL", "TRUE", "FALSE",
        "ASSOCIATORS", "REFERENCES", "OF",
    ]

    mutating func parseStatement() throws -> WQLStatement {
        if acceptKeyword("SELECT") { return .select(try parseSelect()) }
        if acceptKeyword("ASSOCIATORS") { return .associators(try parseAssociators()) }
        if acceptKeyword("REFERENCES") { return .references(try parseReferences()) }
        throw WQLError.syntax(
            "expected SELECT, ASSOCIATORS OF or REFERENCES OF but found \(current.displayText)", at: current.position)
    }

    // MARK: SELECT

    private mutating func parseSelect() throws -> WQLSelectStatement {
        var properties: [String]?
        if current.kind == .star {
            _ = advance()
        } else {
            var names = [try expectName("a property name or '*'")]
            while current.kind == .comma {
                _ = advance()
                names.append(try expectName("a property name"))
            }
            properties = names
        }
        try expectKeyword("FROM")
        let className = try expectName("a class name")
        var condition: WQLExpression?
        if acceptKeyword("WHERE") {
            condition = try parseOr()
        }
        try expectEnd()
        return WQLSelectStatement(properties: properties, className: className, condition: condition)
    }

    private mutating func parseOr() throws -> WQLExpression {
        var expression = try parseAnd()
        while acceptKeyword("OR") {
            expression = .or(expression, try parseAnd())
        }
        return expression
    }

    private mutating func parseAnd() throws -> WQLExpression {
        var expression = try parseNot()
        while acceptKeyword("AND") {
            expression = .and(expression, try parseNot())
        }
        return expression
    }

    private mutating func parseNot() throws -> WQLExpression {
        if acceptKeyword("NOT") { return .not(try parseNot()) }
        if current.kind == .leftParenthesis {
            let open = advance()
            let inner = try parseOr()
            guard current.kind == .rightParenthesis else {
                throw WQLError.syntax(
                    "expected ')' to close the '(' at column \(open.position) but found \(current.displayText)",
                    at: current.position)
            }
            _ = advance()
            return inner
        }
        return try parsePredicate()
    }

    private mutating func parsePredicate() throws -> WQLExpression {
        let leftToken = current
        let left = try parseOperand()
        if acceptKeyword("LIKE") {
            let property = try propertyName(of: left, at: leftToken, before: "LIKE")
            guard case .string(let pattern) = current.kind else {
                throw WQLError.syntax("LIKE needs a string pattern, found \(current.displayText)", at: current.position)
            }
            do {
                _ = try WQLLikePattern(pattern)
            } catch let error as WQLError {
                throw WQLError.syntax(error.message, at: current.position)
            }
            _ = advance()
            return .like(property: property, pattern: pattern)
        }
        if acceptKeyword("ISA") {
            let property = try propertyName(of: left, at: leftToken, before: "ISA")
            switch current.kind {
            case .string(let name), .identifier(let name):
                _ = advance()
                return .isa(property: property, className: name)
            default:
                throw WQLError.syntax("ISA needs a class name, found \(current.displayText)", at: current.position)
            }
        }
        if acceptKeyword("IS") {
            let property = try propertyName(of: left, at: leftToken, before: "IS")
            let negated = acceptKeyword("NOT")
            try expectKeyword("NULL")
            return .isNull(property: property, negated: negated)
        }
        guard case .comparison(let op) = current.kind else {
            throw WQLError.syntax(
                "expected a comparison operator, LIKE, ISA or IS after \(leftToken.displayText) but found "
                    + current.displayText,
                at: current.position)
        }
        _ = advance()
        let right = try parseOperand()
        return .comparison(left, op, right)
    }

    private func propertyName(of operand: WQLOperand, at token: WQLToken, before keyword: String) throws -> String {
        guard case .property(let name) = operand else {
            throw WQLError.syntax("\(keyword) needs a property name on its left", at: token.position)
        }
        return name
    }

    private mutating func parseOperand() throws -> WQLOperand {
        let token = current
        switch token.kind {
        case .string(let text):
            _ = advance()
            return .literal(.string(text))
        case .real(let value):
            _ = advance()
            return .literal(.real(value))
        case .integer(let text):
            _ = advance()
            if let value = Int64(text) { return .literal(.integer(value)) }
            let unsigned = text.hasPrefix("+") ? String(text.dropFirst()) : text
            if let value = UInt64(unsigned) { return .literal(.unsignedInteger(value)) }
            throw WQLError.syntax("number \(text) is out of range", at: token.position)
        case .identifier(let name):
            switch name.uppercased() {
            case "TRUE": _ = advance(); return .literal(.boolean(true))
            case "FALSE": _ = advance(); return .literal(.boolean(false))
            case "NULL": _ = advance(); return .literal(.null)
            default:
                return .property(try expectName("a property name or a constant"))
            }
        default:
            throw WQLError.syntax("expected a property name or a constant but found \(token.displayText)",
                at: token.position)
        }
    }

    // MARK: ASSOCIATORS OF / REFERENCES OF

    private mutating func parseObjectPath() throws -> String {
        try expectKeyword("OF")
        guard case .objectPath(let path) = current.kind else {
            throw WQLError.syntax("expected an object path in braces but found \(current.displayText)",
                at: current.position)
        }
        guard !path.isEmpty else { throw WQLError.syntax("the object path is empty", at: current.position) }
        _ = advance()
        return path
    }

    /// Reads `Name = Value` and flag words after `WHERE`, calling `assign` for each; returns when the query ends.
    private mutating func parseOptions(
        allowed: [String], flags: [String], assign: (String, String?) -> Void
    ) throws {
        guard acceptKeyword("WHERE") else { return try expectEnd() }
        var seen: Set<String> = []
        repeat {
            let token = current
            guard let word = token.identifier else {
                throw WQLError.syntax("expected a keyword such as ResultClass but found \(token.displayText)",
                    at: token.position)
            }
            let upper = word.uppercased()
            guard let keyword = (allowed + flags).first(where: { $0.uppercased() == upper }) else {
                throw WQLError.syntax(
                    "unknown keyword '\(word)'; expected one of " + (allowed + flags).joined(separator: ", "),
                    at: token.position)
            }
            guard seen.insert(upper).inserted else {
                throw WQLError.syntax("\(keyword) is given twice", at: token.position)
            }
            _ = advance()
            if flags.contains(keyword) {
                assign(keyword, nil)
                continue
            }
            guard current.kind == .comparison(.equal) else {
                throw WQLError.syntax("expected '=' after \(keyword) but found \(current.displayText)",
                    at: current.position)
            }
            _ = advance()
            switch current.kind {
            case .identifier(let value), .string(let value):
                _ = advance()
                assign(keyword, value)
            default:
                throw WQLError.syntax("expected a name after \(keyword) = but found \(current.displayText)",
                    at: current.position)
            }
        } while current.kind != .end
    }

    private mutating func parseAssociators() throws -> WQLAssociatorsStatement {
        var statement = WQLAssociatorsStatement(objectPath: try parseObjectPath())
        try parseOptions(
            allowed: [
                "AssocClass", "ResultClass", "Role", "ResultRole", "RequiredQualifier", "RequiredAssocQualifier",
            ],
            flags: ["ClassDefsOnly", "SchemaOnly"]
        ) { keyword, value in
            switch keyword {
            case "AssocClass": statement.associationClass = value
            case "ResultClass": statement.resultClass = value
            case "Role": statement.role = value
            case "ResultRole": statement.resultRole = value
            case "RequiredQualifier": statement.requiredQualifier = value
            case "RequiredAssocQualifier": statement.requiredAssociationQualifier = value
            case "ClassDefsOnly": statement.classDefinitionsOnly = true
            default: statement.schemaOnly = true
            }
        }
        return statement
    }

    private mutating func parseReferences() throws -> WQLReferencesStatement {
        var statement = WQLReferencesStatement(objectPath: try parseObjectPath())
        try parseOptions(
            allowed: ["ResultClass", "Role", "RequiredQualifier"], flags: ["ClassDefsOnly", "SchemaOnly"]
        ) { keyword, value in
            switch keyword {
            case "ResultClass": statement.resultClass = value
            case "Role": statement.role = value
            case "RequiredQualifier": statement.requiredQualifier = value
            case "ClassDefsOnly": statement.classDefinitionsOnly = true
            default: statement.schemaOnly = true
            }
        }
        return statement
    }
}
