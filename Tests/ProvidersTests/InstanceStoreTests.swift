import CIM
import Foundation
import Providers
import Testing

@Suite("Instance store")
struct InstanceStoreTests {
    private let namespace = CIMNamespace.virtualizationV2

    private func schema() -> SchemaRepository {
        var builder = SchemaRepository.Builder()
        builder.addNamespace(namespace)
        let key = CIMQualifier(name: "Key", value: .boolean(true))
        let vm = CIMClass(
            name: "Lab_VM",
            properties: [
                CIMProperty(name: "CreationClassName", dataType: CIMDataType(.string), qualifiers: [key]),
                CIMProperty(name: "Name", dataType: CIMDataType(.string), qualifiers: [key]),
                CIMProperty(name: "ElementName", dataType: CIMDataType(.string)),
                CIMProperty(name: "EnabledState", dataType: CIMDataType(.uint16)),
                CIMProperty(name: "Sizes", dataType: .array(.uint64)),
                CIMProperty(name: "Created", dataType: CIMDataType(.datetime)),
                CIMProperty(name: "Ratio", dataType: CIMDataType(.real64)),
            ])
        _ = builder.addClass(vm, in: namespace)
        return builder.build().repository
    }

    private func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("wmilab-store-\(UUID().uuidString)")
    }

    private func vm(_ name: String, state: UInt16) throws -> CIMInstance {
        CIMInstance(
            className: "Lab_VM",
            values: [
                "CreationClassName": .string("Lab_VM"), "Name": .string(name), "ElementName": .string("app01"),
                "EnabledState": .uint16(state),
                "Sizes": .array([.uint64(UInt64.max), .uint64(1)], elementType: .uint64),
                "Created": .datetime(try CIMDateTime(dmtf: "20240102030405.123456+000")), "Ratio": .real64(0.1),
            ])
    }

    @Test("Create, update and delete survive reopening the data directory, values keep their types")
    func persistsAcrossReopen() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let schema = schema()
        let original = try vm("AAAA-1", state: 2)
        let path: CIMObjectPath
        do {
            let store = try InstanceStore(database: try LabDatabase(directory: directory), schema: schema)
            path = try store.insert(original, in: namespace)
            try store.insert(try vm("BBBB-2", state: 3), in: namespace)
            try store.insert(try vm("CCCC-3", state: 3), in: namespace)
            var change = CIMInstance(className: "Lab_VM")
            change["EnabledState"] = .uint16(32768)
            try store.update(change, at: path, in: namespace)
            try store.delete(
                at: CIMObjectPath(
                    className: "Lab_VM",
                    keyBindings: [
                        CIMKeyBinding(name: "CreationClassName", value: .string("Lab_VM")),
                        CIMKeyBinding(name: "Name", value: .string("CCCC-3")),
                    ]),
                in: namespace)
        }
        let store = try InstanceStore(database: try LabDatabase(directory: directory), schema: schema)
        #expect(store.count == 2)
        let names = store.instances(of: "lab_vm", in: namespace).compactMap { $0["Name"]?.stringValue }
        #expect(names == ["AAAA-1", "BBBB-2"])
        let reread = try #require(store.instance(at: path, in: namespace))
        var expected = original
        expected["EnabledState"] = .uint16(32768)
        #expect(reread == expected)
        #expect(reread["Sizes"] == .array([.uint64(UInt64.max), .uint64(1)], elementType: .uint64))
        #expect(reread["Ratio"] == .real64(0.1))
    }

    @Test("Keys match case-insensitively, duplicates and missing instances are refused")
    func keysAndErrors() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try InstanceStore(database: try LabDatabase(directory: directory), schema: schema())
        try store.insert(try vm("Guid-ABC", state: 2), in: namespace)
        let upper = CIMObjectPath(
            className: "LAB_VM",
            keyBindings: [
                CIMKeyBinding(name: "NAME", value: .string("GUID-abc")),
                CIMKeyBinding(name: "creationclassname", value: .string("lab_vm")),
            ])
        #expect(store.instance(at: upper, in: namespace)?["Name"] == .string("Guid-ABC"))
        #expect(throws: CIMStatus.self) { try store.insert(try vm("GUID-ABC", state: 9), in: namespace) }
        do {
            try store.delete(
                at: CIMObjectPath(
                    className: "Lab_VM", keyBindings: [CIMKeyBinding(name: "Name", value: .string("nope"))]),
                in: namespace)
            Issue.record("deleting a missing instance succeeded")
        } catch let error as CIMStatus {
            #expect(error.code == .notFound)
        }
        var keyless = CIMInstance(className: "Lab_VM")
        keyless["Name"] = .string("x")
        #expect(throws: CIMStatus.self) { try store.insert(keyless, in: namespace) }
    }
}
