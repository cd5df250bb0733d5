import CIM

extension WSManInstance {
    /// The instance typed by its class in `namespace`: every property converted to its declared type,
    /// in the class's property order, with the declared type recorded (so nulls keep their type).
    ///
    /// The class named by the instance must exist (else `WSManFault.wmiInvalidClass`) and be
    /// `expectedClass` or a subclass of it when given (else `invalidParameter`). A property the class
    /// does not declare is an `invalidParameter` fault naming it; WMI system properties (`__PATH`, …)
    /// are ignored.
    public func cimInstance(
        schema: SchemaRepository, namespace: CIMNamespace, expectedClass: String?,
        mofInstanceParser: ((String) throws -> CIMInstance)?
    ) throws(WSManFault) -> CIMInstance {
        guard let cls = schema.class(named: className, in: namespace) else {
            throw .wmiInvalidClass(ResourceURI.wmi(namespace: namespace.name, className: className).description)
        }
        if let expectedClass, !expectedClass.isEmpty,
           !schema.isSubclass(cls.name, of: expectedClass, in: namespace) {
            throw .invalidParameter("The WS-Management service cannot process the request because the instance "
                + "of \(cls.name) is not a \(expectedClass). ")
        }
        var typed: [(index: Int, property: CIMInstance.Property)] = []
        var seen: Set<String> = []
        for wire in properties where !wire.name.hasPrefix("__") {
            guard let declaration = cls.property(named: wire.name),
                  let index = cls.properties.firstIndex(where: { $0.name == declaration.name })
            else {
                throw .invalidParameter("The WS-Management service cannot process the request because the "
                    + "property '\(wire.name)' is not a property of \(cls.name). ")
            }
            guard seen.insert(declaration.name.lowercased()).inserted else {
                throw .invalidParameter("The WS-Management service cannot process the request because the "
                    + "property '\(declaration.name)' is given twice. ")
            }
            let value = try wire.value.cimValue(
                as: declaration.dataType, embeddedInstanceClass: declaration.wsmanEmbeddedInstanceClass,
                schema: schema, namespace: namespace, mofInstanceParser: mofInstanceParser, named: declaration.name)
            typed.append((index, CIMInstance.Property(name: declaration.name, value: value,
                                                      type: declaration.dataType)))
        }
        typed.sort { $0.index < $1.index }
        return CIMInstance(className: cls.name, properties: typed.map(\.property))
    }
}
