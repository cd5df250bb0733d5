import CIM

extension SelectorSet {
    /// The object path these request selectors name for `className` in `namespace` (`__cimnamespace`
    /// is ignored: the caller resolved the namespace). Key values are typed by the class's key
    /// declarations and bound in key order under their declared spelling.
    ///
    /// Faults: unknown class → `wmiInvalidClass`; a selector that is not a key, a value that does not
    /// parse as its key's type, or a missing key → `invalidSelectors` (2150858813); no selectors for a
    /// keyed class that is not a `Singleton` → `missingSelectors` (2150859002).
    public func objectPath(
        className: String, namespace: CIMNamespace, schema: SchemaRepository
    ) throws(WSManFault) -> CIMObjectPath {
        guard let cls = schema.class(named: className, in: namespace) else {
            throw .wmiInvalidClass(ResourceURI.wmi(namespace: namespace.name, className: className).description)
        }
        let keyProperties = cls.keyProperties
        let given = keys
        if given.isEmpty {
            guard keyProperties.isEmpty || cls.qualifiers.isTrue("Singleton") else {
                throw .missingSelectors(cls.name)
            }
            return CIMObjectPath(namespace: namespace, className: cls.name, isSingleton: true)
        }
        // Values by key position: key names are unique ignoring case.
        var values = [CIMValue?](repeating: nil, count: keyProperties.count)
        for selector in given {
            let index: Int?
            if selector.name.isEmpty, keyProperties.count == 1 {
                index = 0
            } else {
                index = keyProperties.firstIndex { $0.name.equalsLowercased(selector.name) }
            }
            guard let index else {
                throw .invalidSelectors("The WS-Management service cannot process the request because the "
                    + "selector '\(selector.name)' is not a key of \(cls.name). ")
            }
            let key = keyProperties[index]
            guard values[index] == nil else {
                throw .invalidSelectors("The WS-Management service cannot process the request because the "
                    + "selector '\(key.name)' is given twice. ")
            }
            values[index] = try Self.keyValue(selector.value, of: key, namespace: namespace)
        }
        var bindings: [CIMKeyBinding] = []
        bindings.reserveCapacity(keyProperties.count)
        for (key, value) in zip(keyProperties, values) {
            guard let value else {
                throw .invalidSelectors("The WS-Management service cannot process the request because the "
                    + "selector '\(key.name)' of \(cls.name) is missing. ")
            }
            bindings.append(CIMKeyBinding(name: key.name, value: value))
        }
        return CIMObjectPath(namespace: namespace, className: cls.name, keyBindings: bindings)
    }

    private static func keyValue(
        _ value: WSManSelector.Value, of key: CIMProperty, namespace: CIMNamespace
    ) throws(WSManFault) -> CIMValue {
        let invalid = { (why: String) -> WSManFault in
            .invalidSelectors("The WS-Management service cannot process the request because the selector "
                + "'\(key.name)' is not a valid \(key.dataType.scalar): \(why). ")
        }
        switch value {
        case .reference(let reference):
            guard case .reference = key.dataType.scalar else { throw invalid("an endpoint reference was given") }
            return .reference(try reference.objectPath(defaultNamespace: namespace))
        case .text(let text):
            do {
                return try CIMValue(parsingScalar: text, as: key.dataType.scalar)
            } catch let error as CIMError {
                throw invalid(error.message)
            } catch {
                throw invalid("\(error)")
            }
        }
    }
}
