import Testing

@testable import CIM

@Suite struct CIMObjectPathTests {
    @Test(arguments: [
        #"\\WMILAB-HV01\root\virtualization\v2:Msvm_StorageAllocationSettingData.InstanceID="Microsoft:2B3C\\83F2\\L""#,
        #"\\HOST\root\virtualization\v2:Msvm_ComputerSystem.CreationClassName="Msvm_ComputerSystem",Name="6A1B""#,
        #"root\cimv2:Win32_Service.Name="Alerter""#,
        #"Msvm_ComputerSystem.CreationClassName="Msvm_ComputerSystem",Name="X""#,
        #"Class.Key="v",K2=3"#,
        #"Class.Neg=-12,Flag=TRUE"#,
        #"Win32_WMISetting=@"#,
        #"Win32_Service="Alerter""#,
        #"CIM_ManagedElement"#,
        #"Assoc.A="\\\\H\\root\\cimv2:C.Name=\"x\"",B="y""#,
        #"C.K="quote\" and backslash\\ end""#,
        #"C.K="""#,
    ])
    func roundTrip(_ text: String) throws {
        let path = try CIMObjectPath(parsing: text)
        #expect(path.description == text)
        #expect(try CIMObjectPath(parsing: path.description) == path)
    }

    @Test func fullPathParts() throws {
        let text =
            #"\\WMILAB-HV01\root\virtualization\v2:Msvm_StorageAllocationSettingData.InstanceID="Microsoft:A\\B""#
        let path = try CIMObjectPath(parsing: text)
        #expect(path.host == "WMILAB-HV01")
        #expect(path.namespace == CIMNamespace("root/virtualization/v2"))
        #expect(path.className == "Msvm_StorageAllocationSettingData")
        #expect(path[key: "instanceid"] == .string(#"Microsoft:A\B"#))
        #expect(path.relativePath.description == #"Msvm_StorageAllocationSettingData.InstanceID="Microsoft:A\\B""#)
    }

    @Test func nestedReferenceKey() throws {
        let path = try CIMObjectPath(parsing: #"Assoc.A="\\\\H\\root\\cimv2:C.Name=\"x\"""#)
        let inner = try #require(path[key: "A"]?.referenceValue)
        #expect(inner.host == "H")
        #expect(inner.className == "C")
        #expect(inner[key: "Name"] == .string("x"))
        var built = CIMObjectPath(className: "Assoc", keys: ["A": .reference(inner)])
        #expect(built.description == path.description)
        built.keyBindings[0].value = .string(inner.description)
        #expect(built == path)
    }

    @Test func equalityIgnoresCaseAndKeyOrder() throws {
        let a = try CIMObjectPath(parsing: #"\\host\ROOT\CIMV2:win32_service.Name="A",Other=1"#)
        let b = try CIMObjectPath(parsing: #"//HOST/root/cimv2:Win32_Service.other=1,name="A""#)
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        let c = try CIMObjectPath(parsing: #"Win32_Service.Name="a",Other=1"#)
        #expect(c != a)
        #expect(!c.refersToSameInstance(as: a))
        #expect(try CIMObjectPath(parsing: #"Win32_Service.Name="A",Other=1"#).refersToSameInstance(as: a))
    }

    @Test func printsFromValues() {
        let path = CIMObjectPath(
            host: "H", namespace: .virtualizationV2, className: "Msvm_X",
            keys: ["InstanceID": .string(#"a"b\c"#), "N": .uint16(7), "B": .boolean(false)])
        #expect(path.description == #"\\H\root\virtualization\v2:Msvm_X.InstanceID="a\"b\\c",N=7,B=FALSE"#)
    }

    @Test(arguments: [
        (#"C.K="unterminated"#, "unterminated string"),
        (#"C.K=abc"#, "neither a quoted string"),
        (#"C.="v""#, "expected a key name"),
        (#"C.K"#, "expected '='"),
        (#"\\host"#, "needs a namespace"),
        (#""#, "expected a class name"),
        (#"C.K="v" trailing"#, "unexpected"),
        (#":C"#, "empty namespace"),
    ])
    func errors(_ text: String, _ fragment: String) {
        #expect {
            _ = try CIMObjectPath(parsing: text)
        } throws: { error in
            String(describing: error).contains(fragment)
        }
    }

    @Test func namespaces() throws {
        let texts = [#"\\root\virtualization\v2\"#, "ROOT/Virtualization/V2", "//"]
        #expect(CIMNamespace(texts[0])?.name == "root/virtualization/v2")
        #expect(CIMNamespace(texts[1]) == .virtualizationV2)
        #expect(CIMNamespace.rootCIMV2.windowsName == #"root\cimv2"#)
        #expect(CIMNamespace(texts[2]) == nil)
        #expect(throws: CIMError.self) { _ = try CIMNamespace(parsing: "") }
    }
}
