import Foundation
import Testing
import WSMan

@Suite struct FixtureDecodingTests {
    let decoder = WSManRequestDecoder()
    static let v2 = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/"

    @Test func manifestIsFound() {
        #expect(WireFixtures.requests.count > 60)
    }

    /// Every captured request decodes to the operation its manifest entry names.
    @Test(arguments: WireFixtures.requests.filter { !$0.op.contains("BROKEN") })
    func decodesCapturedRequest(_ entry: WireFixtures.Entry) throws {
        let bytes = try WireFixtures.bytes(entry.file)
        let raw = String(decoding: bytes, as: UTF8.self)
        let request = try decoder.decode(bytes)
        let op = entry.op.replacingOccurrences(of: "-401", with: "")
        let header = request.header
        switch request.operation {
        case .identify:
            #expect(op == "identify")
        case .get:
            #expect(op.hasPrefix("get-Msvm_ReplicationService"))
            #expect(header.resourceURIText == Self.v2 + "Msvm_ReplicationService")
            // Each client sent the selectors its script was given; expect exactly those.
            #expect(header.selectors.selectors.count == raw.components(separatedBy: "Selector Name=").count - 1)
            if raw.contains(">vmms<") { #expect(header.selectors["Name"] == .text("vmms")) }
            if raw.contains(">HV01<") { #expect(header.selectors["SystemName"] == .text("HV01")) }
            #expect(try header.cimNamespace() == "root/virtualization/v2")
            if op.hasSuffix("optionset") { #expect(!header.options.isEmpty) }
        case .put(let instance):
            #expect(op == "put-Msvm_ReplicationService")
            #expect(instance.className == "Msvm_ReplicationService")
            #expect(!instance.properties.isEmpty)
        case .create(let instance):
            #expect(op == "create-Msvm_ComputerSystem")
            #expect(instance.className == "Msvm_ComputerSystem")
        case .delete:
            #expect(op == "delete-Msvm_ComputerSystem")
            #expect(!header.selectors.keys.isEmpty)
        case .enumerate(let options):
            #expect(op.hasPrefix("enumerate-") && !op.contains(".pull") && !op.contains(".release"))
            #expect(options.optimize == op.contains("optimized"))
            if op.contains("objepr") { #expect(options.mode == .objectAndEPR) }
            if op.contains("-epr-") { #expect(options.mode == .epr) }
            if op.contains("wql") {
                guard case .wql(let query)? = options.filter else { Issue.record("no WQL filter"); return }
                #expect(query.hasPrefix("SELECT * FROM Msvm_ComputerSystem"))
                #expect(header.resourceURIText == Self.v2 + "*")
            }
            if op.contains("AssociatedInstances") || op.contains("AssociationInstances") {
                guard case .association(let filter)? = options.filter else { Issue.record("no filter"); return }
                let kind: AssociationFilter.Kind =
                    op.contains("AssociatedInstances") ? .associatedInstances : .associationInstances
                #expect(filter.kind == kind)
                #expect(filter.object.resourceURI == Self.v2 + "Msvm_ComputerSystem")
                #expect(filter.object.selectors["Name"] == .text("11111111-2222-3333-4444-555555555555"))
                let namespaces = raw.components(separatedBy: "\"__cimnamespace\">root/virtualization/v2").count - 1
                let decoded = (filter.object.selectors.cimNamespace != nil ? 1 : 0)
                    + (header.selectors.cimNamespace != nil ? 1 : 0)
                #expect(decoded == namespaces)
                // Without __cimnamespace a DMTF URI means root/hardware (MS-WSMV 3.1.4.1.1).
                let expected = header.selectors.cimNamespace ?? ResourceURI.defaultDMTFNamespace
                #expect(try header.cimNamespace() == expected)
            }
        case .pull(let options):
            #expect(op.contains(".pull"))
            #expect(!options.context.isEmpty)
        case .release(let context):
            #expect(op.hasSuffix(".release"))
            #expect(!context.isEmpty)
        case .invoke(let method, let parameters):
            #expect(op == "invoke-CreateReplicationRelationship")
            #expect(method == "CreateReplicationRelationship")
            guard case .reference(let system)? = parameters.first(where: { $0.name == "ComputerSystem" })?.value else {
                Issue.record("ComputerSystem is not a reference")
                return
            }
            #expect(system.resourceURI == Self.v2 + "Msvm_ComputerSystem")
            #expect(system.selectors["Name"] == .text("11111111-2222-3333-4444-555555555555"))
            guard case .instance(let settings)? = parameters.first(where: { $0.name == "ReplicationSettingData" })?
                .value
            else {
                Issue.record("ReplicationSettingData is not an embedded instance")
                return
            }
            #expect(settings.className == "Msvm_ReplicationSettingData")
            #expect(settings["RecoveryConnectionPoint"]?.value == .text("replica.lab.local"))
            #expect(settings["RecoveryConnectionPoint"]?.typeName == "string")
        }
        if request.operation != .identify {
            #expect(header.messageID.map { !$0.isEmpty } == true)
        }
    }

    @Test func brokenWslInvokeIsASchemaValidationFault() throws {
        let bytes = try WireFixtures.bytes("wsl-basic-invoke-CreateReplicationRelationship-BROKEN-unbound-w-prefix")
        do {
            _ = try decoder.decode(bytes)
            Issue.record("decoded a request with an unbound prefix")
        } catch {
            #expect(error.fault.subcode?.localName == "SchemaValidationError")
            #expect(error.fault.httpStatus == 500)
        }
    }

    @Test func messageIDIsKeptVerbatim() throws {
        let request = try decoder.decode(try WireFixtures.bytes("wsl-basic-enumerate-Msvm_ComputerSystem"))
        #expect(request.header.messageID?.hasPrefix("uuid:") == false)
        let pypsrp = try decoder.decode(try WireFixtures.bytes("pypsrp-basic-get-Msvm_ReplicationService"))
        #expect(pypsrp.header.messageID == "uuid:2AF90C1A-B47C-46B6-B201-343A75AD42A1")
        #expect(pypsrp.header.maxEnvelopeSize == 512000)
        #expect(pypsrp.header.operationTimeout == .seconds(20))
        #expect(pypsrp.header.locale == "en-US")
    }
}
