import CIM
import Foundation
import Providers
import Testing

@Suite("Lab loading")
struct LabLoaderTests {
    private let namespace = CIMNamespace.virtualizationV2

    private func schema() -> SchemaRepository {
        var builder = SchemaRepository.Builder()
        builder.addNamespace(namespace)
        let key = CIMQualifier(name: "Key", value: .boolean(true))
        _ = builder.addClass(
            CIMClass(
                name: "Lab_VM",
                properties: [
                    CIMProperty(name: "Name", dataType: CIMDataType(.string), qualifiers: [key]),
                    CIMProperty(name: "ElementName", dataType: CIMDataType(.string)),
                    CIMProperty(name: "HostName", dataType: CIMDataType(.string)),
                ]), in: namespace)
        _ = builder.addClass(
            CIMClass(
                name: "Lab_Setting",
                properties: [
                    CIMProperty(name: "InstanceID", dataType: CIMDataType(.string), qualifiers: [key]),
                    CIMProperty(name: "Owner", dataType: CIMDataType(.reference("Lab_VM"))),
                    CIMProperty(name: "Disks", dataType: .array(.string)),
                ]), in: namespace)
        return builder.build().repository
    }

    private func lab() -> [(namespace: CIMNamespace, instance: CIMInstance)] {
        var app = CIMInstance(className: "Lab_VM")
        app["Name"] = .string("{{uuid:app01}}")
        app["ElementName"] = .string("app01")
        app["HostName"] = .string("{{host}}.lab.local")
        var db = CIMInstance(className: "Lab_VM")
        db["Name"] = .string("{{uuid:db01}}")
        db["ElementName"] = .string("db01 {{unknown}}")
        var setting = CIMInstance(className: "Lab_Setting")
        setting["InstanceID"] = .string("Microsoft:{{uuid:app01}}\\HVR")
        setting["Owner"] = .reference(
            CIMObjectPath(host: "{{host}}", className: "Lab_VM", keys: ["Name": .string("{{uuid:app01}}")]))
        setting["Disks"] = .array([.string("C:\\{{uuid:app01}}.vhdx")], elementType: .string)
        return [(namespace, app), (namespace, db), (namespace, setting)]
    }

    private func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("wmilab-lab-\(UUID().uuidString)")
    }

    private func open(_ directory: URL) throws -> (LabDatabase, InstanceStore) {
        let database = try LabDatabase(directory: directory)
        return (database, try InstanceStore(database: database, schema: schema()))
    }

    @Test("Tokens: one UUID per name within a data directory, fresh ones in another, the host substituted")
    func tokens() throws {
        let first = temporaryDirectory()
        let second = temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(at: first)
            try? FileManager.default.removeItem(at: second)
        }
        let loader = LabLoader(hostName: "WMILAB-HV01")
        var names: [[String: String]] = []
        for directory in [first, second] {
            let (database, store) = try open(directory)
            #expect(try loader.seed(lab(), into: store, database: database))
            let tokens = try loader.uuidTokens(in: database)
            #expect(Set(tokens.keys) == ["app01", "db01"])
            let app = try #require(tokens["app01"])
            #expect(UUID(uuidString: app) != nil)
            #expect(app == app.uppercased())
            let vms = store.instances(of: "Lab_VM", in: namespace)
            #expect(vms.map { $0["Name"] } == [.string(app), .string(try #require(tokens["db01"]))])
            #expect(vms[0]["HostName"] == .string("WMILAB-HV01.lab.local"))
            #expect(vms[1]["ElementName"] == .string("db01 {{unknown}}"))
            let setting = try #require(store.instances(of: "Lab_Setting", in: namespace).first)
            #expect(setting["InstanceID"] == .string("Microsoft:\(app)\\HVR"))
            let owner = try #require(setting["Owner"]?.referenceValue)
            #expect(owner.host == "WMILAB-HV01")
            #expect(owner[key: "Name"] == .string(app))
            #expect(setting["Disks"] == .array([.string("C:\\\(app).vhdx")], elementType: .string))
            names.append(tokens)
        }
        #expect(names[0]["app01"] != names[1]["app01"])
        #expect(names[0]["db01"] != names[1]["db01"])
    }

    @Test("A restart keeps changes and tokens and does not reseed")
    func restartDoesNotReseed() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let loader = LabLoader(hostName: "HV02")
        let before: [String: String]
        do {
            let (database, store) = try open(directory)
            #expect(try loader.seed(lab(), into: store, database: database))
            before = try loader.uuidTokens(in: database)
            let db = try #require(store.instances(of: "Lab_VM", in: namespace).last)
            try store.delete(at: CIMObjectPath(className: "Lab_VM", keys: ["Name": try #require(db["Name"])]),
                in: namespace)
        }
        let (database, store) = try open(directory)
        #expect(try loader.seed(lab(), into: store, database: database) == false)
        #expect(try loader.uuidTokens(in: database) == before)
        #expect(store.instances(of: "Lab_VM", in: namespace).count == 1)
    }
}
