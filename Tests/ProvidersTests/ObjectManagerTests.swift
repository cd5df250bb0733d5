import CIM
import Foundation
import Logging
import Providers
import Testing

@Suite("Object manager")
struct ObjectManagerTests {
    private static let namespace = CIMNamespace.virtualizationV2
    private var namespace: CIMNamespace { Self.namespace }

    // MARK: Schema and providers

    private static func key(_ name: String, _ type: CIMDataType) -> CIMProperty {
        CIMProperty(name: name, dataType: type, qualifiers: [CIMQualifier(name: "Key", value: .boolean(true))])
    }

    private static func qualifier(_ name: String) -> CIMQualifier { CIMQualifier(name: name, value: .boolean(true)) }

    private static func schema() -> SchemaRepository {
        var builder = SchemaRepository.Builder()
        builder.addNamespace(namespace)
        let string = CIMDataType(.string)
        let requestedState = CIMParameter(
            name: "RequestedState", dataType: CIMDataType(.uint16),
            qualifiers: [
                qualifier("In"),
                CIMQualifier(
                    name: "ValueMap",
                    value: .array(
                        [.string("2"), .string("3"), .string("10..12"), .string("0x8000..")], elementType: .string)),
            ])
        let system = CIMClass(
            name: "Lab_System",
            properties: [
                key("CreationClassName", string), key("Name", string),
                CIMProperty(name: "ElementName", dataType: string),
                CIMProperty(name: "EnabledState", dataType: CIMDataType(.uint16)),
            ],
            methods: [
                CIMMethod(
                    name: "RequestStateChange", returnType: CIMDataType(.uint32),
                    parameters: [
                        requestedState,
                        CIMParameter(name: "Notes", dataType: .array(.string), qualifiers: [qualifier("In")]),
                        CIMParameter(
                            name: "Job", dataType: CIMDataType(.reference("CIM_ConcreteJob")),
                            qualifiers: [qualifier("Out")]),
                    ])
            ])
        let disk = CIMClass(
            name: "Lab_Disk",
            properties: [key("DeviceID", string), CIMProperty(name: "Size", dataType: CIMDataType(.uint64))],
            methods: [CIMMethod(name: "Format", returnType: CIMDataType(.uint32))])
        let component = CIMClass(
            name: "Lab_Component", qualifiers: [qualifier("Association")],
            properties: [
                key("GroupComponent", CIMDataType(.reference("Lab_System"))),
                key("PartComponent", CIMDataType(.reference("Lab_Disk"))),
            ])
        let settingData = CIMClass(
            name: "Lab_ElementSettingData", qualifiers: [qualifier("Association")],
            properties: [
                key("ManagedElement", CIMDataType(.reference("Lab_System"))),
                key("SettingData", CIMDataType(.reference("Lab_Setting"))),
            ])
        for cls in [
            system, CIMClass(name: "Lab_ComputedSystem", superclassName: "Lab_System"), disk,
            CIMClass(name: "Lab_Setting", properties: [key("InstanceID", string)]),
            CIMClass(
                name: "Lab_Counter",
                properties: [key("Id", CIMDataType(.uint32)), key("Enabled", CIMDataType(.boolean))]),
            CIMClass(
                name: "Lab_Clock", qualifiers: [qualifier("Singleton")],
                properties: [CIMProperty(name: "Ticks", dataType: CIMDataType(.uint64))]),
            component, CIMClass(name: "Lab_SystemDevice", superclassName: "Lab_Component"), settingData,
        ] {
            builder.addClass(cls, in: namespace)
        }
        return builder.build().repository
    }

    /// Serves Lab_ComputedSystem from a fixed list, as a computing provider would.
    private struct ComputedSystems: InstanceProvider {
        var instances: [CIMInstance]
        var schema: SchemaRepository

        func getInstance(_ path: CIMObjectPath, context: ProviderContext) async throws -> CIMInstance {
            guard
                let found = instances.first(where: {
                    schema.path(of: $0, in: context.namespace) == path
                })
            else { throw CIMStatus.notFound() }
            return found
        }

        func enumerateInstances(of className: String, context: ProviderContext) async throws -> [CIMInstance] {
            instances.filter { $0.className == className }
        }
    }

    /// Answers with its name and echoes the parameters it was given.
    private struct Methods: MethodProvider {
        var name: String
        func invokeMethod(
            _ method: String, on target: CIMObjectPath, inParameters: [String: CIMValue?], context: ProviderContext
        ) async throws -> MethodResult {
            MethodResult(
                returnValue: .string("\(name):\(method):\(target.className)"),
                outParameters: inParameters.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) })
        }
    }

    private static func system(_ className: String, _ name: String, state: UInt16) -> CIMInstance {
        CIMInstance(
            className: className,
            values: [
                "CreationClassName": .string(className), "Name": .string(name), "ElementName": .string("vm-" + name),
                "EnabledState": .uint16(state),
            ])
    }

    private static func systemPath(_ className: String, _ name: String) -> CIMObjectPath {
        CIMObjectPath(
            namespace: namespace, className: className,
            keys: ["CreationClassName": .string(className), "Name": .string(name)])
    }

    private static func diskPath(_ id: String) -> CIMObjectPath {
        CIMObjectPath(namespace: namespace, className: "Lab_Disk", keys: ["DeviceID": .string(id)])
    }

    /// Runs `body` with an object manager over a fresh store holding two systems, two disks, a setting, a counter,
    /// the clock and associations; Lab_ComputedSystem comes from its own provider, methods of Lab_System from
    /// `Methods`.
    private static func withLab(_ body: (ObjectManager) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("wmilab-objman-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let schema = schema()
        let store = try InstanceStore(database: try LabDatabase(directory: directory), schema: schema)
        try store.insert(system("Lab_System", "A", state: 2), in: namespace)
        try store.insert(system("Lab_System", "B", state: 3), in: namespace)
        try store.insert(
            CIMInstance(className: "Lab_Disk", values: ["DeviceID": .string("D1"), "Size": .uint64(10)]), in: namespace)
        try store.insert(
            CIMInstance(className: "Lab_Disk", values: ["DeviceID": .string("D2"), "Size": .uint64(20)]), in: namespace)
        try store.insert(CIMInstance(className: "Lab_Setting", values: ["InstanceID": .string("S1")]), in: namespace)
        try store.insert(
            CIMInstance(className: "Lab_Counter", values: ["Id": .uint32(7), "Enabled": .boolean(true)]), in: namespace)
        try store.insert(CIMInstance(className: "Lab_Clock", values: ["Ticks": .uint64(42)]), in: namespace)
        func link(_ className: String, _ group: CIMObjectPath, _ part: CIMObjectPath) throws {
            try store.insert(
                CIMInstance(
                    className: className,
                    values: ["GroupComponent": .reference(group), "PartComponent": .reference(part)]),
                in: namespace)
        }
        try link("Lab_SystemDevice", systemPath("Lab_System", "A"), diskPath("D1"))
        try link("Lab_Component", systemPath("Lab_System", "A"), diskPath("D2"))
        try link("Lab_SystemDevice", systemPath("Lab_System", "B"), diskPath("D2"))
        // A reference without namespace and with other case still names system A.
        try store.insert(
            CIMInstance(
                className: "Lab_ElementSettingData",
                values: [
                    "ManagedElement": .reference(
                        CIMObjectPath(
                            className: "lab_system",
                            keys: ["name": .string("a"), "CreationClassName": .string("Lab_System")])),
                    "SettingData": .reference(
                        CIMObjectPath(
                            namespace: namespace, className: "Lab_Setting", keys: ["InstanceID": .string("S1")])),
                ]),
            in: namespace)
        var registry = ProviderRegistry()
        registry.register(
            ComputedSystems(instances: [system("Lab_ComputedSystem", "C", state: 2)], schema: schema),
            forClass: "Lab_ComputedSystem", in: namespace)
        registry.register(Methods(name: "systems"), forClass: "Lab_System", in: namespace)
        let manager = ObjectManager(
            schema: schema, registry: registry, store: store, logger: Logger(label: "wmilab.test.objectmanager"))
        try await body(manager)
    }

    private static func status(_ body: () async throws -> Void) async -> CIMStatus? {
        do {
            try await body()
            return nil
        } catch let status as CIMStatus {
            return status
        } catch {
            Issue.record("expected a CIMStatus, got \(error)")
            return nil
        }
    }

    private static func names(_ instances: [CIMInstance]) -> [String] {
        instances.compactMap { $0["Name"]?.stringValue ?? $0["DeviceID"]?.stringValue ?? $0["InstanceID"]?.stringValue }
            .sorted()
    }

    // MARK: Addressing

    @Test("Unknown namespace and unknown class are refused with their own codes")
    func unknownNamespaceAndClass() async throws {
        try await Self.withLab { manager in
            var path = Self.systemPath("Lab_System", "A")
            path.namespace = CIMNamespace("root/nowhere")
            #expect(
                await Self.status { _ = try await manager.getInstance(path, userName: nil) }?.code == .invalidNamespace)
            let nowhere: CIMNamespace = "root/nowhere"
            #expect(
                await Self.status {
                    _ = try await manager.enumerateInstances(of: "Lab_System", in: nowhere, userName: nil)
                }?
                .code == .invalidNamespace)
            #expect(
                await Self.status {
                    _ = try await manager.enumerateInstances(of: "Lab_Nothing", in: Self.namespace, userName: nil)
                }?.code == .invalidClass)
            var unknownClass = Self.systemPath("Lab_System", "A")
            unknownClass.className = "Lab_Nothing"
            #expect(
                await Self.status { _ = try await manager.getInstance(unknownClass, userName: nil) }?.code
                    == .invalidClass)
        }
    }

    @Test("A resolved path answers at once from the store, as getInstance does, and sees later changes")
    func immediateFromStore() async throws {
        try await Self.withLab { manager in
            // Spelled as a client might: class and key names in other case, keys in other order.
            let path = CIMObjectPath(
                namespace: Self.namespace, className: "lab_system",
                keys: ["name": .string("a"), "creationclassname": .string("Lab_System")])
            let resolved = try manager.resolve(path)
            #expect(resolved.path.className == "Lab_System")
            #expect(resolved.path.keyBindings.map(\.name) == ["CreationClassName", "Name"])
            let immediate = try #require(try manager.immediateInstance(at: resolved, userName: nil))
            #expect(immediate == (try await manager.getInstance(path, userName: nil)))
            #expect(immediate["EnabledState"] == .uint16(2))
            var changed = immediate
            changed["EnabledState"] = .uint16(3)
            _ = try await manager.modifyInstance(changed, at: path, userName: nil)
            #expect(try manager.immediateInstance(at: resolved, userName: nil)?["EnabledState"] == .uint16(3))
            let absent = try manager.resolve(Self.systemPath("Lab_System", "Z"))
            #expect(await Self.status { _ = try manager.immediateInstance(at: absent, userName: nil) }?.code == .notFound)
        }
    }

    @Test("A provider that suspends is not asked at once: immediateInstance is nil and getInstance answers")
    func immediateOnlyFromImmediateProviders() async throws {
        try await Self.withLab { manager in
            let resolved = try manager.resolve(Self.systemPath("Lab_ComputedSystem", "C"))
            #expect(try manager.immediateInstance(at: resolved, userName: nil) == nil)
            #expect(try await manager.getInstance(at: resolved, userName: nil)["Name"] == .string("C"))
            #expect(await Self.status { _ = try manager.resolve(Self.systemPath("Lab_Nothing", "C")) }?.code
                == .invalidClass)
        }
    }

    @Test("Missing, unknown and ill-typed keys are invalid paths; a keyless path needs a singleton")
    func keyValidation() async throws {
        try await Self.withLab { manager in
            let missing = CIMObjectPath(
                namespace: Self.namespace, className: "Lab_System", keys: ["Name": .string("A")])
            let missingStatus = await Self.status { _ = try await manager.getInstance(missing, userName: nil) }
            #expect(missingStatus?.code == .invalidObjectPath)
            #expect(missingStatus?.parameterName == "CreationClassName")
            var unknown = Self.systemPath("Lab_System", "A")
            unknown.keyBindings.append(CIMKeyBinding(name: "Colour", value: .string("red")))
            let unknownStatus = await Self.status { _ = try await manager.getInstance(unknown, userName: nil) }
            #expect(unknownStatus?.code == .invalidObjectPath)
            #expect(unknownStatus?.parameterName == "Colour")
            let badType = CIMObjectPath(
                namespace: Self.namespace, className: "Lab_Counter",
                keys: ["Id": .string("seven"), "Enabled": .string("true")])
            #expect(
                await Self.status { _ = try await manager.getInstance(badType, userName: nil) }?.code
                    == .invalidObjectPath)
            let classPath = CIMObjectPath(namespace: Self.namespace, className: "Lab_System")
            #expect(
                await Self.status { _ = try await manager.getInstance(classPath, userName: nil) }?.code == .notSingleton
            )
            let absent = Self.systemPath("Lab_System", "Z")
            #expect(await Self.status { _ = try await manager.getInstance(absent, userName: nil) }?.code == .notFound)
            let clock = try await manager.getInstance(
                CIMObjectPath(namespace: Self.namespace, className: "lab_clock"), userName: nil)
            #expect(clock["Ticks"] == .uint64(42))
        }
    }

    @Test("Keys sent as text are converted to their declared types and names to the schema's spelling")
    func keyNormalisation() async throws {
        try await Self.withLab { manager in
            let path = CIMObjectPath(
                namespace: Self.namespace, className: "LAB_COUNTER",
                keys: ["id": .string("7"), "ENABLED": .string("TRUE")])
            let counter = try await manager.getInstance(path, userName: nil)
            #expect(counter["Id"] == .uint32(7))
            let wide = CIMObjectPath(
                namespace: Self.namespace, className: "Lab_Counter",
                keys: ["Id": .uint64(7), "Enabled": .boolean(true)])
            #expect(try await manager.getInstance(wide, userName: nil) == counter)
            let system = try await manager.getInstance(
                CIMObjectPath(
                    namespace: Self.namespace, className: "lab_system",
                    keys: ["name": .string("A"), "creationclassname": .string("Lab_System")]),
                userName: nil)
            #expect(system["ElementName"] == .string("vm-A"))
            let computed = try await manager.getInstance(Self.systemPath("Lab_ComputedSystem", "C"), userName: nil)
            #expect(computed["Name"] == .string("C"))
        }
    }

    @Test("Enumeration is deep and takes each class from its own provider")
    func deepEnumeration() async throws {
        try await Self.withLab { manager in
            let all = try await manager.enumerateInstances(of: "Lab_System", in: Self.namespace, userName: nil)
            #expect(Self.names(all) == ["A", "B", "C"])
            #expect(all.first { $0["Name"] == .string("C") }?.className == "Lab_ComputedSystem")
            let computed = try await manager.enumerateInstances(
                of: "Lab_ComputedSystem", in: Self.namespace, userName: nil)
            #expect(Self.names(computed) == ["C"])
            let components = try await manager.enumerateInstances(
                of: "Lab_Component", in: Self.namespace, userName: nil)
            #expect(components.count == 3)
        }
    }

    // MARK: WQL

    @Test("SELECT projects the chosen properties and filters with WHERE")
    func selectQuery() async throws {
        try await Self.withLab { manager in
            let running = try await manager.execQuery(
                "SELECT Name, elementname FROM Lab_System WHERE EnabledState = 2", in: Self.namespace, userName: nil)
            #expect(Self.names(running) == ["A", "C"])
            for instance in running {
                #expect(instance.propertyNames == ["Name", "ElementName"])
            }
            let like = try await manager.execQuery(
                "SELECT * FROM Lab_System WHERE ElementName LIKE 'VM-B%'", in: Self.namespace, userName: nil)
            #expect(Self.names(like) == ["B"])
            #expect(like.first?.hasProperty("EnabledState") == true)
        }
    }

    @Test("ISA in WHERE follows the schema's inheritance")
    func isaQuery() async throws {
        try await Self.withLab { manager in
            let computed = try await manager.execQuery(
                "SELECT * FROM Lab_System WHERE __THIS ISA 'Lab_ComputedSystem'", in: Self.namespace, userName: nil)
            #expect(Self.names(computed) == ["C"])
            let all = try await manager.execQuery(
                "SELECT * FROM Lab_System WHERE __THIS ISA 'Lab_System'", in: Self.namespace, userName: nil)
            #expect(Self.names(all) == ["A", "B", "C"])
        }
    }

    @Test(
        "Bad queries are invalidQuery",
        arguments: [
            "SELEC * FROM Lab_System", "SELECT Colour FROM Lab_System", "SELECT * FROM Lab_System WHERE",
            "ASSOCIATORS OF {not a path!} WHERE ResultClass = Lab_Disk",
        ])
    func badQuery(_ query: String) async throws {
        try await Self.withLab { manager in
            #expect(
                await Self.status { _ = try await manager.execQuery(query, in: Self.namespace, userName: nil) }?.code
                    == .invalidQuery)
        }
    }

    // MARK: Associations

    @Test("Associators follow every association, filtered by class, result class, role and result role")
    func associators() async throws {
        try await Self.withLab { manager in
            let a = Self.systemPath("Lab_System", "A")
            func ask(_ assoc: String?, _ result: String?, _ role: String?, _ resultRole: String?) async throws
                -> [String]
            {
                Self.names(
                    try await manager.associators(
                        of: a, associationClass: assoc, resultClass: result, role: role, resultRole: resultRole,
                        userName: nil))
            }
            #expect(try await ask(nil, nil, nil, nil) == ["D1", "D2", "S1"])
            #expect(try await ask("Lab_Component", nil, nil, nil) == ["D1", "D2"])
            #expect(try await ask("Lab_SystemDevice", nil, nil, nil) == ["D1"])
            #expect(try await ask(nil, "Lab_Setting", nil, nil) == ["S1"])
            #expect(try await ask(nil, nil, "GroupComponent", nil) == ["D1", "D2"])
            #expect(try await ask(nil, nil, "PartComponent", nil) == [])
            #expect(try await ask(nil, nil, nil, "SettingData") == ["S1"])
            let fromDisk = try await manager.associators(
                of: Self.diskPath("D2"), associationClass: nil, resultClass: "Lab_System", role: nil, resultRole: nil,
                userName: nil)
            #expect(Self.names(fromDisk) == ["A", "B"])
            let wql = try await manager.execQuery(
                #"ASSOCIATORS OF {Lab_Disk.DeviceID="D2"} WHERE AssocClass = Lab_SystemDevice"#, in: Self.namespace,
                userName: nil)
            #expect(Self.names(wql) == ["B"])
        }
    }

    @Test("References return the association instances, filtered by association class and role")
    func references() async throws {
        try await Self.withLab { manager in
            let a = Self.systemPath("Lab_System", "A")
            let all = try await manager.references(of: a, resultClass: nil, role: nil, userName: nil)
            #expect(all.map(\.className).sorted() == ["Lab_Component", "Lab_ElementSettingData", "Lab_SystemDevice"])
            let components = try await manager.references(of: a, resultClass: "Lab_Component", role: nil, userName: nil)
            #expect(components.count == 2)
            let devices = try await manager.references(of: a, resultClass: "Lab_SystemDevice", role: nil, userName: nil)
            #expect(devices.map(\.className) == ["Lab_SystemDevice"])
            let managed = try await manager.references(of: a, resultClass: nil, role: "ManagedElement", userName: nil)
            #expect(managed.map(\.className) == ["Lab_ElementSettingData"])
            let none = try await manager.references(of: a, resultClass: nil, role: "PartComponent", userName: nil)
            #expect(none.isEmpty)
            let wql = try await manager.execQuery(
                #"REFERENCES OF {Lab_Disk.DeviceID="D2"} WHERE ResultClass = Lab_SystemDevice"#, in: Self.namespace,
                userName: nil)
            #expect(wql.count == 1)
            #expect(wql.first?["GroupComponent"] == .reference(Self.systemPath("Lab_System", "B")))
        }
    }

    // MARK: Create, Put, Delete

    @Test("Put merges the sent properties, accepts equal keys and refuses changed keys and unknown properties")
    func put() async throws {
        try await Self.withLab { manager in
            let path = CIMObjectPath(
                namespace: Self.namespace, className: "Lab_System",
                keys: ["CreationClassName": .string("Lab_System"), "Name": .string("A")])
            var change = CIMInstance(className: "Lab_System")
            change["ElementName"] = .string("renamed")
            change["EnabledState"] = .string("3")
            change["name"] = .string("a")
            let merged = try await manager.modifyInstance(change, at: path, userName: nil)
            #expect(merged["ElementName"] == .string("renamed"))
            #expect(merged["EnabledState"] == .uint16(3))
            #expect(merged["Name"] == .string("A"))
            #expect(try await manager.getInstance(path, userName: nil) == merged)
            var rekey = CIMInstance(className: "Lab_System")
            rekey["Name"] = .string("Q")
            let rekeyStatus = await Self.status { _ = try await manager.modifyInstance(rekey, at: path, userName: nil) }
            #expect(rekeyStatus?.code == .invalidParameter)
            #expect(rekeyStatus?.parameterName == "Name")
            var unknown = CIMInstance(className: "Lab_System")
            unknown["Colour"] = .string("red")
            let unknownStatus = await Self.status {
                _ = try await manager.modifyInstance(unknown, at: path, userName: nil)
            }
            #expect(unknownStatus?.code == .invalidProperty)
            #expect(try await manager.getInstance(path, userName: nil)["Name"] == .string("A"))
        }
    }

    @Test("Create returns the new path, refuses taken keys; Delete removes")
    func createAndDelete() async throws {
        try await Self.withLab { manager in
            let disk = CIMInstance(className: "lab_disk", values: ["deviceid": .string("D9"), "Size": .string("99")])
            let path = try await manager.createInstance(disk, in: Self.namespace, userName: nil)
            #expect(path == Self.diskPath("D9"))
            let stored = try await manager.getInstance(path, userName: nil)
            #expect(stored["Size"] == .uint64(99))
            #expect(stored.className == "Lab_Disk")
            #expect(
                await Self.status { _ = try await manager.createInstance(disk, in: Self.namespace, userName: nil) }?
                    .code
                    == .alreadyExists)
            try await manager.deleteInstance(path, userName: nil)
            #expect(await Self.status { _ = try await manager.getInstance(path, userName: nil) }?.code == .notFound)
            #expect(manager.path(of: stored, in: Self.namespace) == Self.diskPath("D9"))
        }
    }

    // MARK: Methods

    @Test("Invoke checks the method, its parameters and ValueMaps, then dispatches with inheritance fallback")
    func invoke() async throws {
        try await Self.withLab { manager in
            let a = Self.systemPath("Lab_System", "A")
            let result = try await manager.invokeMethod(
                "requeststatechange", on: a,
                inParameters: ["requestedstate": .string("32769"), "Notes": .string("why")], userName: nil)
            #expect(result.returnValue == .string("systems:RequestStateChange:Lab_System"))
            #expect(result[outParameter: "RequestedState"] == .uint16(32769))
            #expect(result[outParameter: "Notes"] == .array([.string("why")], elementType: .string))
            let inherited = try await manager.invokeMethod(
                "RequestStateChange", on: Self.systemPath("Lab_ComputedSystem", "C"),
                inParameters: ["RequestedState": .uint64(11)], userName: nil)
            #expect(inherited.returnValue == .string("systems:RequestStateChange:Lab_ComputedSystem"))

            let unknownMethod = await Self.status {
                _ = try await manager.invokeMethod("Explode", on: a, inParameters: [:], userName: nil)
            }
            #expect(unknownMethod?.code == .invalidMethod)
            let unknownParameter = await Self.status {
                _ = try await manager.invokeMethod(
                    "RequestStateChange", on: a, inParameters: ["Force": .boolean(true)], userName: nil)
            }
            #expect(unknownParameter?.code == .invalidParameter)
            #expect(unknownParameter?.parameterName == "Force")
            let outOnly = await Self.status {
                _ = try await manager.invokeMethod(
                    "RequestStateChange", on: a, inParameters: ["Job": nil], userName: nil)
            }
            #expect(outOnly?.parameterName == "Job")
            for outside in ["4", "13", "32767"] {
                let violation = await Self.status {
                    _ = try await manager.invokeMethod(
                        "RequestStateChange", on: a, inParameters: ["RequestedState": .string(outside)], userName: nil)
                }
                #expect(violation?.code == .invalidParameter)
                #expect(violation?.parameterName == "RequestedState")
            }
            let noProvider = await Self.status {
                _ = try await manager.invokeMethod("Format", on: Self.diskPath("D1"), inParameters: [:], userName: nil)
            }
            #expect(noProvider?.code == .notSupported)
            let gone = await Self.status {
                _ = try await manager.invokeMethod(
                    "RequestStateChange", on: Self.systemPath("Lab_System", "Z"), inParameters: [:], userName: nil)
            }
            #expect(gone?.code == .notFound)
        }
    }

    @Test(
        "ValueMap entries and ranges admit their values",
        arguments: [
            ("2", true), ("3", true), ("10", true), ("12", true), ("32768", true), ("65535", true),
            ("0", false), ("9", false), ("13", false), ("32767", false),
        ])
    func valueMapMembership(_ text: String, _ allowed: Bool) async throws {
        try await Self.withLab { manager in
            let status = await Self.status {
                _ = try await manager.invokeMethod(
                    "RequestStateChange", on: Self.systemPath("Lab_System", "B"),
                    inParameters: ["RequestedState": .string(text)], userName: nil)
            }
            #expect((status == nil) == allowed)
            if !allowed { #expect(status?.code == .invalidParameter) }
        }
    }
}
