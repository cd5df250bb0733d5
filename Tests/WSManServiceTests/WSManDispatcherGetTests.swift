import CIM
import Foundation
import Logging
import Providers
import Server
import Testing
import WSMan

@testable import WSManService

/// A Get through the dispatcher: answered at once when the store holds the instance, in a task otherwise, and
/// never from a stale cache.
@Suite("Dispatcher Gets")
struct WSManDispatcherGetTests {
    private static let namespace: CIMNamespace = "root/virtualization/v2"

    /// Serves Lab_Computed instances from memory, but as a provider that may suspend.
    private struct ComputedProvider: InstanceProvider {
        func getInstance(_ path: CIMObjectPath, context: ProviderContext) async throws -> CIMInstance {
            guard path.keyBindings.first?.value == .string("c1") else { throw CIMStatus.notFound() }
            return CIMInstance(className: "Lab_Computed", values: ["Name": .string("c1"), "State": .uint16(7)])
        }

        func enumerateInstances(of className: String, context: ProviderContext) async throws -> [CIMInstance] { [] }
    }

    private static func schema() -> SchemaRepository {
        var builder = SchemaRepository.Builder()
        builder.addNamespace(namespace)
        let key = CIMProperty(name: "Name", dataType: CIMDataType(.string),
                              qualifiers: [CIMQualifier(name: "Key", value: .boolean(true))])
        let state = CIMProperty(name: "State", dataType: CIMDataType(.uint16))
        for name in ["Lab_Service", "Lab_Computed"] {
            _ = builder.addClass(CIMClass(name: name, properties: [key, state]), in: namespace)
        }
        return builder.build().repository
    }

    private static func withDispatcher(_ body: (WSManDispatcher, InstanceStore) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("wmilab-dispatcher-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let schema = schema()
        let store = try InstanceStore(database: try LabDatabase(directory: directory), schema: schema)
        try store.insert(
            CIMInstance(className: "Lab_Service", values: ["Name": .string("svc"), "State": .uint16(2)]), in: namespace)
        var registry = ProviderRegistry()
        registry.register(ComputedProvider(), forClass: "Lab_Computed", in: namespace)
        let logger = Logger(label: "wmilab.test", factory: { _ in SwiftLogNoOpLogHandler() })
        let manager = ObjectManager(schema: schema, registry: registry, store: store, logger: logger)
        let dispatcher = WSManDispatcher(
            objectManager: manager, configuration: WSManServiceConfiguration(hostName: "LAB"), logger: logger)
        try await body(dispatcher, store)
    }

    private static func get(_ className: String, selector: String = "Name", _ value: String) -> WSManHTTPRequest {
        let envelope = """
            <s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" \
            xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" \
            xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"><s:Header>\
            <a:Action>http://schemas.xmlsoap.org/ws/2004/09/transfer/Get</a:Action>\
            <a:MessageID>uuid:00000000-0000-0000-0000-00000000000A</a:MessageID>\
            <w:ResourceURI>http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/\(className)\
            </w:ResourceURI><w:SelectorSet><w:Selector Name="\(selector)">\(value)</w:Selector></w:SelectorSet>\
            </s:Header><s:Body/></s:Envelope>
            """
        let info = HTTPRequestInfo(
            method: "POST", uri: "/wsman", headers: [], user: AuthenticatedUser(name: "labuser", scheme: .basic),
            remoteAddress: nil, isSecure: false)
        return WSManHTTPRequest(info: info, body: Array(envelope.utf8))
    }

    /// The response when the dispatcher answered at once; nil when it needs a task.
    private static func immediate(_ reply: WSManEndpointReply) -> WSManHTTPResponse? {
        if case .now(let response) = reply { return response }
        return nil
    }

    @Test("a stored instance is answered at once, and a change to it is seen by the next Get")
    func storedAtOnce() async throws {
        try await Self.withDispatcher { dispatcher, store in
            let first = try #require(Self.immediate(dispatcher.reply(to: Self.get("Lab_Service", "SVC"))))
            #expect(first.status == 200)
            let text = String(decoding: first.body, as: UTF8.self)
            #expect(text.contains("<p:State>2</p:State>"))
            #expect(text.contains("<a:RelatesTo>uuid:00000000-0000-0000-0000-00000000000A</a:RelatesTo>"))

            let path = CIMObjectPath(namespace: Self.namespace, className: "Lab_Service", keys: ["Name": .string("svc")])
            try store.update(CIMInstance(className: "Lab_Service", values: ["State": .uint16(3)]), at: path,
                             in: Self.namespace)
            let changed = try #require(Self.immediate(dispatcher.reply(to: Self.get("Lab_Service", "svc"))))
            #expect(String(decoding: changed.body, as: UTF8.self).contains("<p:State>3</p:State>"))
        }
    }

    @Test("an instance from a provider that may suspend is answered in a task")
    func providerInTask() async throws {
        try await Self.withDispatcher { dispatcher, _ in
            let reply = dispatcher.reply(to: Self.get("Lab_Computed", "c1"))
            guard case .later(let respond) = reply else {
                Issue.record("a provider's Get was answered without its provider")
                return
            }
            let response = await respond()
            #expect(response.status == 200)
            #expect(String(decoding: response.body, as: UTF8.self).contains("<p:State>7</p:State>"))
        }
    }

    @Test("a missing instance and a selector that is not a key are faults, answered at once", arguments: [
        ("Name", "nothere", "HRESULT 0x80041002"), ("Colour", "red", "'Colour' is not a key of Lab_Service"),
    ])
    func faultsAtOnce(selector: String, value: String, detail: String) async throws {
        try await Self.withDispatcher { dispatcher, _ in
            let response = try #require(
                Self.immediate(dispatcher.reply(to: Self.get("Lab_Service", selector: selector, value))))
            #expect(response.status == 500)
            let text = String(decoding: response.body, as: UTF8.self)
            #expect(text.contains("<s:Value>w:InvalidSelectors</s:Value>"))
            #expect(text.contains(detail))
        }
    }
}
