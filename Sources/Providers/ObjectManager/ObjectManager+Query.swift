import CIM

extension ObjectManager {
    /// Runs a WQL query: `SELECT` (projection, and `WHERE` through `WQLExpression.matches` with the schema for
    /// `ISA`), `ASSOCIATORS OF` and `REFERENCES OF`. A query that does not parse, selects a property the class does
    /// not have or names a malformed object path is `CIMStatus.invalidQuery`; `ClassDefsOnly`/`SchemaOnly` are
    /// `CIMStatus.notSupported` (there are no class objects to return).
    public func execQuery(_ query: String, in namespace: CIMNamespace, userName: String?) async throws -> [CIMInstance]
    {
        let statement: WQLStatement
        do {
            statement = try WQLStatement(parsing: query)
        } catch let error as WQLError {
            throw CIMStatus.invalidQuery("\(error)")
        }
        logger.debug("ExecQuery", metadata: ["query": "\(query)", "namespace": "\(namespace)"])
        switch statement {
        case .select(let select):
            return try await run(select, in: namespace, userName: userName)
        case .associators(let statement):
            if statement.classDefinitionsOnly || statement.schemaOnly {
                throw CIMStatus.notSupported("ClassDefsOnly and SchemaOnly are not supported")
            }
            let source = try sourcePath(statement.objectPath, in: namespace)
            let pairs = try await associatorPairs(
                of: source, associationClass: statement.associationClass, resultClass: statement.resultClass,
                role: statement.role, resultRole: statement.resultRole, userName: userName)
            return pairs.filter { pair in
                let resultClass = schema.class(named: pair.result.className, in: namespace)
                return Self.has(statement.requiredQualifier, on: resultClass)
                    && Self.has(statement.requiredAssociationQualifier, on: pair.association.associationClass)
            }.map(\.result)
        case .references(let statement):
            if statement.classDefinitionsOnly || statement.schemaOnly {
                throw CIMStatus.notSupported("ClassDefsOnly and SchemaOnly are not supported")
            }
            let source = try sourcePath(statement.objectPath, in: namespace)
            return try await associationMatches(
                of: source, associationClass: statement.resultClass, role: statement.role, userName: userName
            )
            .filter { Self.has(statement.requiredQualifier, on: $0.associationClass) }
            .map(\.association)
        }
    }

    private func run(
        _ select: WQLSelectStatement, in namespace: CIMNamespace, userName: String?
    ) async throws -> [CIMInstance] {
        let cls = try resolveClass(select.className, in: namespace)
        var selected: [String]?
        if let names = select.properties {
            selected = try names.map { name in
                guard let property = cls.property(named: name) else {
                    throw CIMStatus.invalidQuery("Class \(cls.name) has no property \(name)")
                }
                return property.name
            }
        }
        var result: [CIMInstance] = []
        for instance in try await enumerateInstances(of: cls.name, in: namespace, userName: userName) {
            if let condition = select.condition {
                let matches: Bool
                do {
                    matches = try condition.matches(instance, schema: schema, namespace: namespace)
                } catch let error as WQLError {
                    throw CIMStatus.invalidQuery("\(error)")
                }
                guard matches else { continue }
            }
            guard let selected else {
                result.append(instance)
                continue
            }
            var projected = CIMInstance(className: instance.className)
            for name in selected {
                projected.setProperty(
                    instance.property(named: name)
                        ?? CIMInstance.Property(
                            name: name, value: nil, type: cls.property(named: name)?.dataType))
            }
            result.append(projected)
        }
        return result
    }

    private func sourcePath(_ text: String, in namespace: CIMNamespace) throws -> CIMObjectPath {
        var path: CIMObjectPath
        do {
            path = try CIMObjectPath(parsing: text)
        } catch {
            throw CIMStatus.invalidQuery("\(error)")
        }
        if path.namespace == nil { path.namespace = namespace }
        return path
    }

    private static func has(_ qualifier: String?, on cls: CIMClass?) -> Bool {
        guard let qualifier else { return true }
        return cls?.qualifiers[qualifier] != nil
    }
}
