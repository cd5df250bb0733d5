import CIM

/// Declarations for qualifiers MOF may use without declaring them: the DSP0004 meta qualifiers and
/// the WMI ones (`Dynamic`, `Provider`, `Amendment`, …) that Windows MOF never declares.
enum MOFWellKnownQualifiers {
    private static let locked = CIMFlavors(overridable: false)
    private static let restricted = CIMFlavors(toSubclass: false)

    private static let known: [String: CIMQualifierDeclaration] = {
        var d: [String: CIMQualifierDeclaration] = [:]
        func add(_ name: String, _ type: CIMDataType, _ flavors: CIMFlavors = .default) {
            d[name.lowercased()] = CIMQualifierDeclaration(name: name, type: type, flavors: flavors)
        }
        let bool = CIMDataType(.boolean)
        let string = CIMDataType(.string)
        add("Key", bool, locked)
        add("Association", bool, locked)
        add("Indication", bool, locked)
        add("Abstract", bool, restricted)
        add("In", bool, locked)
        add("Out", bool, locked)
        add("Static", bool, locked)
        add("Description", string, CIMFlavors(translatable: true))
        add("EmbeddedInstance", string)
        add("EmbeddedObject", bool, locked)
        add("ValueMap", .array(.string))
        add("Values", .array(.string), CIMFlavors(translatable: true))
        add("Override", string, restricted)
        add("Dynamic", bool, restricted)
        add("Provider", string, restricted)
        add("Amendment", bool, restricted)
        add("Locale", CIMDataType(.sint32), restricted)
        add("UUID", string, restricted)
        add("Constructor", bool)
        add("Destructor", bool)
        add("Implemented", bool, restricted)
        add("Privileges", .array(.string))
        add("SupportsUpdate", bool)
        add("Read", bool)
        add("Write", bool)
        add("Required", bool)
        add("MaxLen", CIMDataType(.uint32))
        add("Units", string, CIMFlavors(translatable: true))
        return d
    }()

    /// The declaration to use for an undeclared qualifier `name` given with `value`.
    static func declaration(_ name: String, value: MOFLiteral?) -> CIMQualifierDeclaration {
        if let d = known[name.lowercased()] { return d }
        return CIMQualifierDeclaration(
            name: name, type: value?.inferredType ?? CIMDataType(.boolean), scopes: [], flavors: restricted)
    }
}
