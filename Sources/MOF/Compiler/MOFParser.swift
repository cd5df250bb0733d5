import CIM
import Foundation

/// Recursive-descent parser for MOF productions; hands each declaration to the compiler state.
/// On a syntax error it reports it and skips to the next top-level `;`, so every error is reported.
struct MOFParser {
    var lexer: MOFLexer
    var token = MOFToken(kind: .endOfFile, location: MOFSourceLocation(file: "", line: 1, column: 1))
    var pending: MOFToken?

    init(lexer: MOFLexer) { self.lexer = lexer }

    mutating func advance() throws {
        if let p = pending {
            token = p
            pending = nil
        } else {
            token = try lexer.next()
        }
    }

    mutating func peekNext() throws -> MOFToken {
        if let p = pending { return p }
        let t = try lexer.next()
        pending = t
        return t
    }

    func isPunct(_ c: Character) -> Bool { token.kind == .punctuation(c.asciiValue ?? 0) }

    var identifier: String? {
        if case .identifier(let s) = token.kind { return s }
        return nil
    }

    func isKeyword(_ k: String) -> Bool { identifier?.lowercased() == k }

    mutating func expect(_ c: Character) throws {
        guard isPunct(c) else { throw MOFSyntaxError("expected '\(c)' \(found)", at: token.location) }
        try advance()
    }

    var found: String {
        switch token.kind {
        case .identifier(let s): "before '\(s)'"
        case .endOfFile: "at end of file"
        case .punctuation(let c): "before '\(Character(Unicode.Scalar(c)))'"
        case .string: "before a string"
        default: "here"
        }
    }

    mutating func name() throws -> String {
        guard let id = identifier else { throw MOFSyntaxError("expected a name \(found)", at: token.location) }
        try advance()
        return id
    }

    // MARK: Top level

    mutating func run(_ state: inout MOFCompilerState) {
        do { try advance() } catch { record(error, &state); return }
        while token.kind != .endOfFile {
            do {
                try production(&state)
            } catch {
                record(error, &state)
                recover()
            }
        }
    }

    func record(_ error: Error, _ state: inout MOFCompilerState) {
        if let e = error as? MOFSyntaxError {
            state.error(e.message, e.location)
        } else {
            state.error("\(error)", token.location)
        }
    }

    mutating func recover() {
        var depth = 0
        while true {
            do {
                if token.kind == .endOfFile { return }
                if isPunct("{") { depth += 1 }
                if isPunct("}") { depth = max(0, depth - 1) }
                if isPunct(";"), depth == 0 {
                    try advance()
                    return
                }
                try advance()
            } catch {
                // Skip a bad character and keep going.
                continue
            }
        }
    }

    mutating func production(_ state: inout MOFCompilerState) throws {
        if token.kind == .pragma {
            try pragma(&state)
            return
        }
        let qualifiers = try qualifierList()
        guard let word = identifier?.lowercased() else {
            throw MOFSyntaxError("expected a class, instance or qualifier declaration \(found)", at: token.location)
        }
        switch word {
        case "class": try classDeclaration(qualifiers, &state)
        case "instance": _ = try instanceDeclaration(&state, embedded: false)
        case "qualifier": try qualifierDeclaration(&state)
        default:
            throw MOFSyntaxError("expected a class, instance or qualifier declaration \(found)", at: token.location)
        }
    }

    mutating func pragma(_ state: inout MOFCompilerState) throws {
        let at = token.location
        try advance()
        let pragmaName = try name().lowercased()
        try expect("(")
        var args: [String] = []
        while !isPunct(")") {
            guard token.kind != .endOfFile else { throw MOFSyntaxError("expected ')' \(found)", at: token.location) }
            if case .string = token.kind { args.append(try stringLiteral()) } else { try advance() }
            if isPunct(",") { try advance() }
        }
        try advance()
        switch pragmaName {
        case "namespace":
            guard let text = args.first else { throw MOFSyntaxError("#pragma namespace needs a name", at: at) }
            var path = text
            if path.hasPrefix("\\\\") || path.hasPrefix("//") {
                // `\\.\root\x`: drop the server part.
                let rest = path.dropFirst(2)
                path = String(rest.drop { $0 != "\\" && $0 != "/" })
            }
            guard let ns = CIMNamespace(path) else { throw MOFSyntaxError("invalid namespace '\(text)'", at: at) }
            state.namespace = ns
            state.builder.addNamespace(ns)
        case "include":
            guard let file = args.first else { throw MOFSyntaxError("#pragma include needs a file name", at: at) }
            state.compileFile(MOFSourceFile.includePath(file, from: at.file), includedFrom: at)
        case "locale", "instancelocale", "classflags", "deleteclass", "autorecover", "nonlocal", "nonlocaltype",
            "source", "sourcetype", "comment":
            break
        default:
            state.warning("unknown pragma '\(pragmaName)' ignored", at)
        }
    }

    // MARK: Qualifiers

    struct ParsedQualifier {
        var name: String
        var value: MOFLiteral?
        var flavors: [CIMFlavor]
        var location: MOFSourceLocation
    }

    mutating func qualifierList() throws -> [ParsedQualifier] {
        guard isPunct("[") else { return [] }
        try advance()
        var out: [ParsedQualifier] = []
        while true {
            let at = token.location
            let qname = try name()
            var value: MOFLiteral?
            if isPunct("(") {
                try advance()
                value = try literal()
                try expect(")")
            } else if isPunct("{") {
                value = try literal()
            }
            var flavors: [CIMFlavor] = []
            if isPunct(":") {
                try advance()
                while let id = identifier, let f = CIMFlavor(keyword: id) {
                    flavors.append(f)
                    try advance()
                }
            }
            out.append(ParsedQualifier(name: qname, value: value, flavors: flavors, location: at))
            if isPunct(",") {
                try advance()
                continue
            }
            try expect("]")
            return out
        }
    }

    func resolveQualifiers(
        _ parsed: [ParsedQualifier], scope: CIMScope, _ state: inout MOFCompilerState
    ) -> CIMQualifierList {
        var list = CIMQualifierList()
        for q in parsed {
            if list[q.name] != nil {
                state.error("duplicate qualifier '\(q.name)'", q.location)
                continue
            }
            let decl = state.builder.qualifierDeclaration(named: q.name, in: state.namespace)
                ?? MOFWellKnownQualifiers.declaration(q.name, value: q.value)
            var value: CIMValue?
            do {
                if let literal = q.value {
                    value = try literal.value(as: decl.type, aliases: state.aliases)
                } else {
                    value = decl.type.scalar == .boolean && !decl.type.isArray ? .boolean(true) : decl.defaultValue
                }
            } catch {
                state.error("qualifier '\(q.name)': \(error)", q.location)
                continue
            }
            if !decl.scopes.isEmpty, decl.scopes.intersection(scope).isEmpty {
                state.error("qualifier '\(q.name)' is not allowed here (scope)", q.location)
            }
            list.set(
                CIMQualifier(
                    name: decl.name, value: value, flavors: decl.flavors.applying(q.flavors),
                    explicitFlavors: q.flavors))
        }
        return list
    }

    mutating func qualifierDeclaration(_ state: inout MOFCompilerState) throws {
        try advance()
        let at = token.location
        let qname = try name()
        try expect(":")
        let type = try arraySuffix(dataTypeName())
        var defaultValue: CIMValue?
        if isPunct("=") {
            try advance()
            let lit = try literal()
            do { defaultValue = try lit.value(as: type, aliases: state.aliases) } catch {
                state.error("default value of qualifier '\(qname)': \(error)", at)
            }
        }
        var scopes = CIMScope()
        var flavors: [CIMFlavor] = []
        while isPunct(",") {
            try advance()
            let which = try name().lowercased()
            try expect("(")
            while !isPunct(")") {
                let word = try name()
                if which == "scope" {
                    guard let s = CIMScope(keyword: word) else {
                        throw MOFSyntaxError("unknown scope '\(word)'", at: token.location)
                    }
                    scopes.formUnion(s)
                } else {
                    guard let f = CIMFlavor(keyword: word) else {
                        throw MOFSyntaxError("unknown flavor '\(word)'", at: token.location)
                    }
                    flavors.append(f)
                }
                if isPunct(",") { try advance() }
            }
            try advance()
        }
        try expect(";")
        state.builder.addQualifierDeclaration(
            CIMQualifierDeclaration(
                name: qname, type: type, defaultValue: defaultValue, scopes: scopes,
                flavors: CIMFlavors.default.applying(flavors)), in: state.namespace)
    }

    mutating func dataTypeName() throws -> CIMDataType {
        let at = token.location
        let n = try name()
        guard let t = CIMType(name: n) else { throw MOFSyntaxError("unknown type '\(n)'", at: at) }
        return CIMDataType(t)
    }

    // MARK: Classes

    mutating func classDeclaration(_ parsed: [ParsedQualifier], _ state: inout MOFCompilerState) throws {
        try advance()
        let at = token.location
        let className = try name()
        var superName: String?
        if isPunct(":") {
            try advance()
            superName = try name()
        }
        let isAssoc = parsed.contains { $0.name.lowercased() == "association" }
        let isIndication = parsed.contains { $0.name.lowercased() == "indication" }
        let classScope: CIMScope = isAssoc ? [.class, .association] : isIndication ? [.class, .indication] : .class
        let qualifiers = resolveQualifiers(parsed, scope: classScope, &state)
        try expect("{")
        var properties: [CIMProperty] = []
        var methods: [CIMMethod] = []
        var seen: Set<String> = []
        while !isPunct("}") {
            do {
                let featureAt = token.location
                let fq = try qualifierList()
                var (type, isRef) = try declaredType()
                let memberAt = token.location
                let memberName = try name()
                if !seen.insert(memberName.lowercased()).inserted {
                    state.error("duplicate property or method '\(memberName)' in class '\(className)'", memberAt)
                }
                if isPunct("(") {
                    let params = try parameterList(&state)
                    try expect(";")
                    methods.append(
                        CIMMethod(
                            name: memberName, returnType: type, parameters: params,
                            qualifiers: resolveQualifiers(fq, scope: .method, &state)))
                    continue
                }
                type = try arraySuffix(type)
                var defaultValue: CIMValue?
                if isPunct("=") {
                    try advance()
                    let lit = try literal()
                    do { defaultValue = try lit.value(as: type, aliases: state.aliases) } catch {
                        state.error("default value of '\(className).\(memberName)': \(error)", memberAt)
                    }
                }
                try expect(";")
                _ = featureAt
                properties.append(
                    CIMProperty(
                        name: memberName, dataType: type, defaultValue: defaultValue,
                        qualifiers: resolveQualifiers(fq, scope: isRef ? .reference : .property, &state)))
            } catch {
                record(error, &state)
                while !isPunct(";") && !isPunct("}") && token.kind != .endOfFile {
                    do { try advance() } catch { continue }
                }
                if isPunct(";") { try advance() }
                if token.kind == .endOfFile { return }
            }
        }
        try advance()
        try expect(";")
        let cls = CIMClass(
            name: className, superclassName: superName, qualifiers: qualifiers, properties: properties,
            methods: methods)
        if let s = superName, !state.builder.hasClass(named: s, in: state.namespace) {
            state.error("superclass '\(s)' of class '\(className)' is not defined", at)
            var orphan = cls
            orphan.superclassName = nil
            state.builder.addClass(orphan, in: state.namespace)
        } else if !state.builder.addClass(cls, in: state.namespace) {
            state.error("class '\(className)' is already defined in namespace '\(state.namespace)'", at)
            return
        }
        state.classLocations[state.namespace.key + ":" + className.lowercased()] = at
    }

    mutating func arraySuffix(_ type: CIMDataType) throws -> CIMDataType {
        guard isPunct("[") else { return type }
        try advance()
        var size: Int?
        if case .integer(_, let m) = token.kind {
            size = Int(m)
            try advance()
        }
        try expect("]")
        return CIMDataType(type.scalar, isArray: true, arraySize: size)
    }

    /// `TypeName` or `ClassName REF`: the declared type of a property, method or parameter.
    mutating func declaredType() throws -> (CIMDataType, isReference: Bool) {
        let typeAt = token.location
        let typeName = try name()
        if isKeyword("ref") {
            try advance()
            return (CIMDataType(.reference(typeName)), true)
        }
        guard let scalar = CIMType(name: typeName) else {
            throw MOFSyntaxError("unknown type '\(typeName)'", at: typeAt)
        }
        return (CIMDataType(scalar), false)
    }

    mutating func parameterList(_ state: inout MOFCompilerState) throws -> [CIMParameter] {
        try expect("(")
        var out: [CIMParameter] = []
        while !isPunct(")") {
            let pq = try qualifierList()
            var (type, isRef) = try declaredType()
            let pname = try name()
            type = try arraySuffix(type)
            if isPunct("=") {
                try advance()
                _ = try literal()
            }
            let qualifiers = resolveQualifiers(pq, scope: isRef ? [.parameter, .reference] : .parameter, &state)
            out.append(CIMParameter(name: pname, dataType: type, qualifiers: qualifiers))
            if isPunct(",") { try advance() } else if !isPunct(")") {
                throw MOFSyntaxError("expected ',' or ')' \(found)", at: token.location)
            }
        }
        try advance()
        return out
    }

    // MARK: Instances

    mutating func instanceDeclaration(_ state: inout MOFCompilerState, embedded: Bool) throws -> CIMInstance {
        try advance()
        guard isKeyword("of") else {
            throw MOFSyntaxError("expected 'of' after 'instance' \(found)", at: token.location)
        }
        try advance()
        let at = token.location
        let className = try name()
        var alias: String?
        if isKeyword("as") {
            try advance()
            guard case .alias(let a) = token.kind else {
                throw MOFSyntaxError("expected an alias \(found)", at: token.location)
            }
            alias = a
            try advance()
        }
        let cls = state.builder.resolvedClass(named: className, in: state.namespace)
        if cls == nil { state.error("class '\(className)' is not defined", at) }
        try expect("{")
        var instance = CIMInstance(className: cls?.name ?? className)
        while !isPunct("}") {
            _ = try qualifierList()
            let propAt = token.location
            let pname = try name()
            try expect("=")
            // A property value may itself be an instance (DSP0221 embedded instance: `P = instance of X { … };`).
            let lit: MOFLiteral =
                try isKeyword("instance") ? .instance(instanceDeclaration(&state, embedded: true)) : literal()
            try expect(";")
            guard let cls else { continue }
            guard let prop = cls.property(named: pname) else {
                state.error("class '\(cls.name)' has no property '\(pname)'", propAt)
                continue
            }
            do {
                instance.setProperty(
                    CIMInstance.Property(
                        name: prop.name, value: try lit.value(as: prop.dataType, aliases: state.aliases),
                        type: prop.dataType))
            } catch {
                state.error("value of '\(cls.name).\(prop.name)': \(error)", propAt)
            }
        }
        try advance()
        if !embedded { try expect(";") }
        if let alias, let cls {
            state.aliases[alias.lowercased()] = instance.path(
                keyNames: cls.keyPropertyNames, namespace: state.namespace)
        }
        if !embedded {
            state.builder.addInstance(instance, in: state.namespace)
            state.lastInstance = instance
        }
        return instance
    }

    // MARK: Literals

    mutating func stringLiteral() throws -> String {
        var out = ""
        while case .string(let s) = token.kind {
            out += s
            try advance()
        }
        return out
    }

    mutating func literal() throws -> MOFLiteral {
        switch token.kind {
        case .integer(let n, let m):
            try advance()
            return .integer(negative: n, magnitude: m)
        case .real(let d):
            try advance()
            return .real(d)
        case .string:
            return .string(try stringLiteral())
        case .char16(let c):
            try advance()
            return .char16(c)
        case .alias(let a):
            try advance()
            return .alias(a)
        case .punctuation(UInt8(ascii: "{")):
            try advance()
            var items: [MOFLiteral] = []
            while !isPunct("}") {
                items.append(try literal())
                if isPunct(",") { try advance() } else if !isPunct("}") {
                    throw MOFSyntaxError("expected ',' or '}' \(found)", at: token.location)
                }
            }
            try advance()
            return .array(items)
        case .identifier(let w):
            switch w.lowercased() {
            case "true":
                try advance()
                return .boolean(true)
            case "false":
                try advance()
                return .boolean(false)
            case "null":
                try advance()
                return .null
            default:
                throw MOFSyntaxError("expected a value \(found)", at: token.location)
            }
        default:
            throw MOFSyntaxError("expected a value \(found)", at: token.location)
        }
    }
}
