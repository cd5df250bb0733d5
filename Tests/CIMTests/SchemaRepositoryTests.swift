import Testing

@testable import CIM

@Suite struct SchemaRepositoryTests {
    static let ns = CIMNamespace.rootCIMV2
    static let restricted = CIMFlavors(toSubclass: false)
    static let locked = CIMFlavors(overridable: false)

    static func key() -> CIMQualifier { CIMQualifier(name: "Key", value: .boolean(true), flavors: locked) }

    static func sample() -> SchemaRepository.Builder {
        var b = SchemaRepository.Builder()
        b.addClass(
            CIMClass(
                name: "CIM_ManagedElement",
                qualifiers: [CIMQualifier(name: "Abstract", value: .boolean(true), flavors: restricted),
                    CIMQualifier(name: "Version", value: .string("2.49"))],
                properties: [
                    CIMProperty(name: "InstanceID", dataType: CIMDataType(.string), qualifiers: [key()]),
                    CIMProperty(name: "Caption", dataType: CIMDataType(.string), defaultValue: .string("c")),
                ],
                methods: [
                    CIMMethod(
                        name: "GetError", returnType: CIMDataType(.uint32),
                        parameters: [
                            CIMParameter(
                                name: "Error", dataType: CIMDataType(.string),
                                qualifiers: [CIMQualifier(name: "Out", value: .boolean(true)),
                                    CIMQualifier(name: "EmbeddedInstance", value: .string("CIM_Error"))])
                        ])
                ]), in: ns)
        b.addClass(
            CIMClass(
                name: "Msvm_Thing", superclassName: "cim_managedelement",
                properties: [
                    CIMProperty(name: "Size", dataType: CIMDataType(.uint64)),
                    CIMProperty(name: "caption", dataType: CIMDataType(.string), defaultValue: nil,
                        qualifiers: [CIMQualifier(name: "MaxLen", value: .uint32(64))]),
                ]), in: ns)
        b.addClass(CIMClass(name: "Msvm_Sub", superclassName: "Msvm_Thing"), in: ns)
        return b
    }

    @Test func resolvesInheritance() throws {
        var b = Self.sample()
        let (repo, issues) = b.build()
        #expect(issues.isEmpty)
        let cls = try #require(repo.class(named: "MSVM_THING", in: "ROOT\\CIMV2"))
        #expect(cls.properties.map(\.name) == ["InstanceID", "caption", "Size"])
        #expect(cls.keyPropertyNames == ["InstanceID"])
        let caption = try #require(cls.property(named: "Caption"))
        #expect(caption.classOrigin == "Msvm_Thing" && !caption.propagated)
        #expect(caption.defaultValue == .string("c"))
        let id = try #require(cls.property(named: "instanceid"))
        #expect(id.propagated && id.classOrigin == "CIM_ManagedElement" && id.isKey)
        #expect(!cls.isAbstract, "Abstract is Restricted and must not propagate")
        #expect(cls.qualifiers["Version"]?.propagated == true)
        let m = try #require(repo.method("geterror", of: "Msvm_Sub", in: Self.ns))
        #expect(m.parameters[0].direction == .out && m.parameters[0].embeddedInstanceClass == "CIM_Error")
        #expect(repo.superclassChain(of: "msvm_sub", in: Self.ns) == ["Msvm_Thing", "CIM_ManagedElement"])
        #expect(repo.subclasses(of: "CIM_ManagedElement", in: Self.ns) == ["Msvm_Thing", "Msvm_Sub"])
        #expect(repo.subclasses(of: "CIM_ManagedElement", in: Self.ns, deep: false) == ["Msvm_Thing"])
        #expect(repo.isSubclass("Msvm_Sub", of: "cim_managedelement", in: Self.ns))
        #expect(!repo.isSubclass("CIM_ManagedElement", of: "Msvm_Sub", in: Self.ns))
        #expect(repo.keys(of: "Msvm_Sub", in: Self.ns) == ["InstanceID"])
    }

    @Test func reportsProblems() {
        var b = Self.sample()
        b.addClass(CIMClass(name: "Orphan", superclassName: "Nowhere"), in: Self.ns)
        b.addClass(
            CIMClass(
                name: "Bad", superclassName: "Msvm_Thing",
                properties: [
                    CIMProperty(name: "InstanceID", dataType: CIMDataType(.string),
                        qualifiers: [CIMQualifier(name: "Key", value: .boolean(false))]),
                    CIMProperty(name: "Size", dataType: CIMDataType(.string)),
                    CIMProperty(name: "Ref", dataType: CIMDataType(.reference("CIM_Missing"))),
                ]), in: Self.ns)
        b.addClass(CIMClass(name: "A", superclassName: "B"), in: Self.ns)
        b.addClass(CIMClass(name: "B", superclassName: "A"), in: Self.ns)
        let added = b.addClass(CIMClass(name: "msvm_thing"), in: Self.ns)
        #expect(!added)
        let kinds = Set(b.build().issues.map(\.kind))
        #expect(
            kinds == [.unknownSuperclass, .overrideOfDisableOverrideQualifier, .overrideTypeMismatch,
                .unknownReferenceClass, .circularInheritance])
    }

    @Test func builderFromBaseAddsMore() throws {
        var b = Self.sample()
        let base = b.build().repository
        var more = SchemaRepository.Builder(base: base)
        more.addClass(CIMClass(name: "Lab_Thing", superclassName: "Msvm_Sub"), in: Self.ns)
        more.addInstance(CIMInstance(className: "Lab_Thing", values: ["InstanceID": .string("x")]), in: Self.ns)
        let (repo, issues) = more.build()
        #expect(issues.isEmpty)
        #expect(repo.class(named: "Lab_Thing", in: Self.ns)?.keyPropertyNames == ["InstanceID"])
        #expect(repo.instances(of: "CIM_ManagedElement", in: Self.ns).count == 1)
        #expect(repo.classCount == 4 && repo.instanceCount == 1)
        let path = repo.path(of: repo.instances(in: Self.ns)[0], in: Self.ns, host: "H")
        #expect(path.description == #"\\H\root\cimv2:Lab_Thing.InstanceID="x""#)
    }
}
