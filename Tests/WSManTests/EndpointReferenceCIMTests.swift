import CIM
import Testing
import WSMan

@Suite struct EndpointReferenceCIMTests {
    @Test func objectPathRoundTripsThroughAnEPR() throws {
        let system = CIMObjectPath(namespace: .virtualizationV2, className: "Msvm_ComputerSystem", keys: [
            "CreationClassName": .string("Msvm_ComputerSystem"), "Name": .string("1111-2222"),
        ])
        let association = CIMObjectPath(namespace: .virtualizationV2, className: "Msvm_SystemDevice", keys: [
            "GroupComponent": .reference(system), "PartComponent": .string("x\"y"),
        ])
        let epr = EndpointReference(association)
        #expect(epr.resourceURI
            == "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/Msvm_SystemDevice")
        #expect(epr.selectors.cimNamespace == "root/virtualization/v2")
        #expect(try epr.objectPath() == association)
    }

    @Test func dmtfEPRWithoutNamespaceUsesTheRequestNamespace() throws {
        let epr = EndpointReference(
            resourceURI: "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ComputerSystem",
            selectors: [WSManSelector("Name", "a")])
        #expect(try epr.objectPath(defaultNamespace: .interop).namespace == .interop)
        #expect(try epr.objectPath().namespace?.name == "root/hardware")
    }

    @Test func wildcardEPRIsRefused() {
        let epr = EndpointReference(resourceURI: "http://schemas.dmtf.org/wbem/wscim/1/*", selectors: [])
        #expect(throws: WSManFault.self) { try epr.objectPath() }
    }
}
