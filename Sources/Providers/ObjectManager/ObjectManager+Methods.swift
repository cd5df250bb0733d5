import CIM

extension ObjectManager {
    /// Runs extrinsic method `method` on `target` (an instance path, or a class path for a static method).
    ///
    /// Checks, in order: the class has the method (`CIMStatus.invalidMethod`), an addressed instance exists
    /// (`.notFound`), every IN parameter is declared as an input (`.invalidParameter(name)`) and converts to its
    /// declared type, and an integer parameter with a `ValueMap` holds a value it allows (ranges like `".."` and
    /// `"0x8000.."` included; else `.invalidParameter(name)`). Then dispatches to the `MethodProvider` registered for
    /// the class or its nearest superclass; without one, `CIMStatus.notSupported`.
    public func invokeMethod(
        _ method: String, on target: CIMObjectPath, inParameters: [String: CIMValue?], userName: String?
    ) async throws -> MethodResult {
        let namespace = target.namespace ?? .rootCIMV2
        let cls = try resolveClass(target.className, in: namespace)
        guard let declared = cls.method(named: method) else {
            throw CIMStatus.invalidMethod(method, className: cls.name)
        }
        let path: CIMObjectPath
        if target.isClassPath {
            path = CIMObjectPath(host: target.host, namespace: namespace, className: cls.name)
        } else {
            path = try normalisedInstancePath(target).0
            _ = try await getInstance(path, userName: userName)
        }
        var parameters: [String: CIMValue?] = [:]
        for (name, value) in inParameters {
            guard let parameter = declared.parameter(named: name), parameter.isInput else {
                throw CIMStatus.invalidParameter(
                    name, "Method \(declared.name) of \(cls.name) has no IN parameter \(name)")
            }
            parameters[parameter.name] = try typedArgument(value, for: parameter, of: declared)
        }
        if let interceptor,
            let result = try await interceptor.intercept(declared.name, on: path, context: context(namespace, userName))
        {
            return result
        }
        guard let provider = registry.methodProvider(for: cls.name, in: namespace, schema: schema) else {
            throw CIMStatus.notSupported("Method \(declared.name) of \(cls.name) is not supported")
        }
        logger.debug("InvokeMethod", metadata: ["method": "\(declared.name)", "target": "\(path)"])
        return try await provider.invokeMethod(
            declared.name, on: path, inParameters: parameters, context: context(namespace, userName))
    }

    private func typedArgument(
        _ value: CIMValue?, for parameter: CIMParameter, of method: CIMMethod
    ) throws -> CIMValue? {
        guard let value else { return nil }
        let typed: CIMValue
        do {
            typed = try TypedValue.convert(value, to: parameter.dataType)
        } catch {
            throw CIMStatus.invalidParameter(
                parameter.name, "Parameter \(parameter.name) of \(method.name) wants \(parameter.dataType): \(error)")
        }
        if parameter.dataType.scalar.isInteger, let entries = parameter.valueMap {
            let map = ValueMap(entries)
            if map.constrains {
                for element in typed.arrayElements ?? [typed] where !map.allows(element) {
                    throw CIMStatus.invalidParameter(
                        parameter.name,
                        "Value \(element.textValue) of parameter \(parameter.name) of \(method.name) is not in its "
                            + "ValueMap")
                }
            }
        }
        return typed
    }
}
