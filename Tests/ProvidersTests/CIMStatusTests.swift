import Providers
import Testing

@Suite("CIMStatus codes")
struct CIMStatusTests {
    @Test(
        "Each kind carries its WBEM and CIM status codes",
        arguments: [
            (CIMStatus.notFound(), UInt32(0x8004_1002), 6, "WBEM_E_NOT_FOUND"),
            (CIMStatus.accessDenied(), 0x8004_1003, 2, "WBEM_E_ACCESS_DENIED"),
            (CIMStatus.invalidParameter("Name"), 0x8004_1008, 4, "WBEM_E_INVALID_PARAMETER"),
            (CIMStatus.notSupported(), 0x8004_100C, 7, "WBEM_E_NOT_SUPPORTED"),
            (CIMStatus.invalidNamespace("root/x"), 0x8004_100E, 3, "WBEM_E_INVALID_NAMESPACE"),
            (CIMStatus.invalidClass("X"), 0x8004_1010, 5, "WBEM_E_INVALID_CLASS"),
            (CIMStatus.invalidQuery("bad"), 0x8004_1017, 15, "WBEM_E_INVALID_QUERY"),
            (CIMStatus.alreadyExists(), 0x8004_1019, 11, "WBEM_E_ALREADY_EXISTS"),
            (CIMStatus.typeMismatch("x"), 0x8004_1005, 13, "WBEM_E_TYPE_MISMATCH"),
            (CIMStatus.invalidMethod("M", className: "C"), 0x8004_102E, 17, "WBEM_E_INVALID_METHOD"),
            (CIMStatus.invalidMethodParameters("x"), 0x8004_102F, 4, "WBEM_E_INVALID_METHOD_PARAMETERS"),
            (CIMStatus.invalidObjectPath("x"), 0x8004_103A, 4, "WBEM_E_INVALID_OBJECT_PATH"),
            (CIMStatus.failed("x"), 0x8004_1001, 1, "WBEM_E_FAILED"),
        ])
    func codes(status: CIMStatus, wbem: UInt32, cim: Int, name: String) {
        #expect(status.code.wbemCode == wbem)
        #expect(status.code.cimStatusCode == cim)
        #expect(status.code.name == name)
        #expect(status.description.hasPrefix("\(name) (0x\(String(wbem, radix: 16, uppercase: true)))"))
    }

    @Test("Kinds compare by code, and a parameter error names its parameter")
    func kinds() {
        let error = CIMStatus.invalidParameter("RequestedState", "value 99 is not in the ValueMap")
        #expect(error.code == .invalidParameter)
        #expect(error.code != .notFound)
        #expect(error.parameterName == "RequestedState")
        #expect(CIMStatus.notSingleton("Msvm_ComputerSystem").code != CIMStatus.invalidObjectPath("x").code)
        #expect(CIMStatus.notSingleton("Msvm_ComputerSystem").code.wbemCode == 0x8004_103A)
    }
}
