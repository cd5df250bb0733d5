import Foundation
import Testing
import WSMan
import XML

/// The encoder against the response shapes every client accepted (../shared/fixtures/wire/responses).
@Suite struct EncoderGoldenTests {
    static let v2 = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/"

    func response(_ name: String) throws -> String {
        let url = WireFixtures.directory.appendingPathComponent("responses/\(name).response.xml")
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// The MessageID of a canned response, reused so the comparison is byte for byte.
    func messageID(in text: String) -> String {
        let start = text.components(separatedBy: "<a:MessageID>")[1]
        return start.components(separatedBy: "</a:MessageID>")[0]
    }

    func relatesTo(in text: String) -> String {
        text.components(separatedBy: "<a:RelatesTo>")[1].components(separatedBy: "</a:RelatesTo>")[0]
    }

    @Test func getMatchesTheAcceptedShapeByteForByte() throws {
        let expected = try response("pypsrp-basic-get-Msvm_ReplicationService")
        let text: (String, String) -> WSManProperty = { WSManProperty(name: $0, value: .text($1)) }
        let instance = WSManInstance(
            className: "Msvm_ReplicationService", namespaceURI: Self.v2 + "Msvm_ReplicationService",
            properties: [
                text("Caption", "Hyper-V Replica Service"), text("CreationClassName", "Msvm_ReplicationService"),
                text("Description", "Hyper-V Replica Service"), text("ElementName", "Hyper-V Replica Service"),
                text("EnabledState", "2"), text("HealthState", "5"),
                WSManProperty(name: "InstallDate", value: .null), text("Name", "vmms"),
                WSManProperty(name: "OperationalStatus", value: .array([.text("2")])),
                text("StatusDescriptions", "OK"), text("SystemCreationClassName", "Msvm_ComputerSystem"),
                text("SystemName", "HV01"),
                WSManProperty(name: "TimeOfLastStateChange", value: .dateTime(.datetime, "2024-05-01T10:20:30.123Z")),
            ])
        let bytes = WSManResponseEncoder().encode(
            WSManResponse(requestAction: "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get",
                          relatesTo: relatesTo(in: expected), body: .get(instance)),
            messageID: messageID(in: expected))
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
    }

    @Test func invokeMatchesTheAcceptedShapeByteForByte() throws {
        let expected = try response("pypsrp-basic-invoke-CreateReplicationRelationship")
        let job = EndpointReference(resourceURI: Self.v2 + "Msvm_ConcreteJob", selectors: [
            WSManSelector("InstanceID", "8F1B7E2C-0000-4000-8000-000000000001"),
            WSManSelector("__cimnamespace", "root/virtualization/v2"),
        ])
        let bytes = WSManResponseEncoder().encode(
            WSManResponse(
                requestAction: Self.v2 + "Msvm_ReplicationService/CreateReplicationRelationship",
                relatesTo: relatesTo(in: expected),
                body: .invoke(method: "CreateReplicationRelationship", resourceURI: Self.v2 + "Msvm_ReplicationService",
                              outputs: [WSManProperty(name: "Job", value: .reference(job))],
                              returnValue: .text("4096"))),
            messageID: messageID(in: expected))
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
    }

    @Test func faultMatchesTheAcceptedShapeByteForByte() throws {
        let expected = try response("faultmode-pypsrp-basic-get-Msvm_ReplicationService")
        let bytes = WSManResponseEncoder(machine: "127.0.0.1").encode(
            WSManFault.wmiNotFound(), relatesTo: relatesTo(in: expected), messageID: messageID(in: expected))
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
        #expect(WSManFault.wmiNotFound().httpStatus == 500)
    }

    @Test func optimizedEnumerationEndsWithEmptyContextAndEndOfSequence() throws {
        let epr = EndpointReference(resourceURI: Self.v2 + "Msvm_ComputerSystem",
                                    selectors: [WSManSelector("Name", "x")])
        let bytes = WSManResponseEncoder().encode(WSManResponse(
            requestAction: "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate", relatesTo: "m1",
            body: .enumerate(context: nil, items: [.epr(epr)])))
        let root = try XMLTreeParser().parse(bytes)
        let body = try #require(root.child(WSManNamespace.soap, "Body")?.child(WSManNamespace.enumeration,
                                                                                "EnumerateResponse"))
        #expect(body.child(WSManNamespace.enumeration, "EnumerationContext")?.text == "")
        #expect(body.child(WSManNamespace.wsman, "EndOfSequence") != nil)
        let item = try #require(body.child(WSManNamespace.wsman, "Items")?.child(WSManNamespace.addressing,
                                                                                  "EndpointReference"))
        #expect(item.child(WSManNamespace.addressing, "ReferenceParameters") != nil)
        #expect(root.child(WSManNamespace.soap, "Header")?.child(WSManNamespace.addressing, "RelatesTo")?.text == "m1")
    }

    @Test func wslStyleUsesWsaAndWsmanPrefixes() {
        let epr = EndpointReference(resourceURI: Self.v2 + "Msvm_ComputerSystem",
                                    selectors: [WSManSelector("Name", "x")])
        let text = String(decoding: WSManResponseEncoder(style: .wsl).encode(WSManResponse(
            requestAction: "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull", relatesTo: "m",
            body: .pull(context: nil, items: [.epr(epr)]))), as: UTF8.self)
        #expect(text.contains("<wsman:Selector Name=\"Name\">x</wsman:Selector>"))
        #expect(text.contains("<wsa:EndpointReference>"))
        #expect(text.contains("<n:EndOfSequence/>"))
    }

    @Test func unauthenticatedIdentifyHidesTheVersion() throws {
        let bytes = WSManResponseEncoder().encode(WSManResponse(
            requestAction: "", relatesTo: nil, body: .identify(productVendor: "Microsoft Corporation",
                                                               productVersion: nil)))
        let root = try XMLTreeParser().parse(bytes)
        let identify = try #require(root.child(WSManNamespace.soap, "Body")?.child(WSManNamespace.identity,
                                                                                    "IdentifyResponse"))
        #expect(identify.child(WSManNamespace.identity, "ProductVersion")?.text == "OS: 0.0.0 SP: 0.0 Stack: 3.0")
    }

    @Test func newMessageIDsAreUpperCaseUUIDs() {
        let id = WSManResponseEncoder.newMessageID()
        #expect(id.hasPrefix("uuid:") && id.count == 41)
        #expect(id.dropFirst(5) == id.dropFirst(5).uppercased())
        #expect(id != WSManResponseEncoder.newMessageID())
    }
}
