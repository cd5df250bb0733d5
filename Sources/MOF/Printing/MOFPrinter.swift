import CIM

/// Prints qualifier declarations, classes (their own members) and instances back as MOF that the
/// compiler reads again into equal values.
public struct MOFPrinter: Sendable {
    public init() {}

    /// A whole namespace: qualifier declarations, then classes, then instances, in declaration order.
    public func print(_ repository: SchemaRepository, namespace: CIMNamespace) -> String {
        var out = "#pragma namespace(" + CIMValue.mofQuoted(namespace.name) + ")\n\n"
        for q in repository.qualifierDeclarations(in: namespace) { out += print(q) + "\n" }
        out += "\n"
        for c in repository.classes(in: namespace) { out += print(c) + "\n" }
        for i in repository.instances(in: namespace) { out += print(i) + "\n" }
        return out
    }

    /// `Qualifier Name : type = value, Scope(…), Flavor(…);`
    public func print(_ declaration: CIMQualifierDeclaration) -> String {
        var out = "Qualifier \(declaration.name) : \(declaration.type.scalar.name)"
        if declaration.type.isArray { out += "[\(declaration.type.arraySize.map(String.init) ?? "")]" }
        if let v = declaration.defaultValue { out += " = " + v.mofLiteral }
        if !declaration.scopes.isEmpty { out += ", Scope(" + declaration.scopes.keywords.joined(separator: ", ") + ")" }
        out += ", Flavor(" + declaration.flavors.keywords.map(\.rawValue).joined(separator: ", ") + ");"
        return out
    }

    /// The class with its local qualifiers and its own (declared or overriding) members.
    public func print(_ cls: CIMClass) -> String {
        var out = qualifiers(cls.qualifiers, indent: "")
        out += "class \(cls.name)" + (cls.superclassName.map { " : \($0)" } ?? "") + " {\n"
        for p in cls.localProperties {
            out += qualifiers(p.qualifiers, indent: "    ")
            out += "    " + typeAndName(p.dataType, p.name)
            if let v = p.defaultValue { out += " = " + v.mofLiteral }
            out += ";\n"
        }
        for m in cls.localMethods {
            out += qualifiers(m.qualifiers, indent: "    ")
            out += "    \(m.returnType.scalar.name) \(m.name)("
            out += m.parameters.map { p in
                inlineQualifiers(p.qualifiers) + typeAndName(p.dataType, p.name)
            }.joined(separator: ", ")
            out += ");\n"
        }
        return out + "};\n"
    }

    /// `instance of Class { Name = value; … };`
    public func print(_ instance: CIMInstance) -> String {
        var out = "instance of \(instance.className) {\n"
        for p in instance.properties {
            out += "    \(p.name) = \(p.value.map(\.mofLiteral) ?? "NULL");\n"
        }
        return out + "};\n"
    }

    private func typeAndName(_ type: CIMDataType, _ name: String) -> String {
        var out = type.scalar.referenceClass.map { "\($0) REF \(name)" } ?? "\(type.scalar.name) \(name)"
        if type.isArray { out += "[\(type.arraySize.map(String.init) ?? "")]" }
        return out
    }

    private func qualifiers(_ list: CIMQualifierList, indent: String) -> String {
        let text = inlineQualifiers(list)
        return text.isEmpty ? "" : indent + text.dropLast() + "\n"
    }

    private func inlineQualifiers(_ list: CIMQualifierList) -> String {
        let local = list.local
        guard !local.isEmpty else { return "" }
        let items = local.map { q -> String in
            var s = q.name
            switch q.value {
            case .none: s += "(NULL)"
            case .boolean(true): break
            case .some(let v):
                s += v.arrayElements == nil ? "(" + v.mofLiteral + ")" : v.mofLiteral
            }
            if !q.explicitFlavors.isEmpty { s += " : " + q.explicitFlavors.map(\.rawValue).joined(separator: " ") }
            return s
        }
        return "[" + items.joined(separator: ", ") + "] "
    }
}
