import Testing
import WSMan

@Suite struct HeaderRulesTests {
    let decoder = WSManRequestDecoder()

    func envelope(header: String, body: String = "") -> [UInt8] {
        Array("""
            <s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" \
            xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" \
            xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:q="urn:unknown">\
            <s:Header><a:Action>http://schemas.xmlsoap.org/ws/2004/09/transfer/Get</a:Action>\
            <a:MessageID>uuid:1</a:MessageID>\
            <w:ResourceURI>http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_Foo</w:ResourceURI>\(header)\
            </s:Header><s:Body>\(body)</s:Body></s:Envelope>
            """.utf8)
    }

    @Test func unknownHeaderWithSoapMustUnderstandFaults() {
        do {
            _ = try decoder.decode(envelope(header: #"<q:X s:mustUnderstand="true"/>"#))
            Issue.record("accepted")
        } catch {
            #expect(error.fault.code == .mustUnderstand)
            #expect(error.messageID == "uuid:1")
        }
    }

    /// A header is known by namespace and local name together: a WS-Man name in another namespace is not it.
    @Test func knownLocalNameInAnotherNamespaceIsAnUnknownHeader() throws {
        let request = try decoder.decode(envelope(header: "<q:ResourceURI>urn:other</q:ResourceURI><q:MessageID>2</q:MessageID>"))
        #expect(request.header.resourceURIText == "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_Foo")
        #expect(request.header.messageID == "uuid:1")
        do {
            _ = try decoder.decode(envelope(header: #"<q:SelectorSet s:mustUnderstand="true"/>"#))
            Issue.record("accepted")
        } catch {
            #expect(error.fault.code == .mustUnderstand)
        }
    }

    @Test func unqualifiedMustUnderstandIsIgnored() throws {
        let request = try decoder.decode(envelope(header: #"<q:X mustUnderstand="true"/>"#))
        #expect(request.operation == .get)
        #expect(try request.header.cimNamespace() == ResourceURI.defaultDMTFNamespace)
    }

    @Test func smallMaxEnvelopeSizeIsAnEncodingLimitFault() {
        do {
            _ = try decoder.decode(envelope(header: "<w:MaxEnvelopeSize>100</w:MaxEnvelopeSize>"))
            Issue.record("accepted")
        } catch {
            #expect(error.fault.subcode?.localName == "EncodingLimit")
        }
    }

    @Test func unknownFilterDialectFaults() {
        let body = """
            <n:Enumerate xmlns:n="http://schemas.xmlsoap.org/ws/2004/09/enumeration">\
            <w:Filter Dialect="http://schemas.dmtf.org/wbem/cql/1/dsp0202.pdf">x</w:Filter></n:Enumerate>
            """
        var bytes = envelope(header: "", body: body)
        bytes = Array(String(decoding: bytes, as: UTF8.self).replacingOccurrences(
            of: "transfer/Get", with: "enumeration/Enumerate").utf8)
        do {
            _ = try decoder.decode(bytes)
            Issue.record("accepted")
        } catch {
            #expect(error.fault.subcode?.localName == "FilterDialectRequestedUnavailable")
        }
    }

    @Test(arguments: [
        "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/Msvm_ComputerSystem",
        "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/*",
        "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/Microsoft/Windows/Storage/MSFT_Disk",
        "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ComputerSystem",
        "http://schemas.dmtf.org/wbem/wscim/1/*",
    ])
    func resourceURIRoundTrips(_ text: String) throws {
        let uri = try ResourceURI(parsing: text)
        #expect(uri.description == text)
        #expect(try ResourceURI(parsing: uri.description) == uri)
    }

    @Test func resourceURIParts() throws {
        let uri = try ResourceURI(parsing: "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/*")
        #expect(uri.namespace == "root/virtualization/v2")
        #expect(uri.isWildcard)
        let dmtf = try ResourceURI(parsing: "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_X")
        #expect(dmtf.resolvedNamespace(cimNamespaceSelector: "root\\interop") == "root/interop")
        #expect(throws: WSManFault.self) {
            try ResourceURI(parsing: "http://schemas.microsoft.com/wbem/wsman/1/wmi/Bad Class")
        }
    }

    @Test func cimXMLRoundTrip() throws {
        let codec = CIMXMLInstanceCodec()
        let job = EndpointReference(
            resourceURI: .wmi(namespace: "root/virtualization/v2", className: "Msvm_ConcreteJob"),
            selectors: [WSManSelector("InstanceID", "A&B\"1")])
        let original = WSManInstance(className: "Msvm_ReplicationSettingData", properties: [
            WSManProperty(name: "RecoveryConnectionPoint", typeName: "string", value: .text("replica <lab>")),
            WSManProperty(name: "ReplicationInterval", typeName: "uint16", value: .text("300")),
            WSManProperty(name: "IncludedDisks", typeName: "string", value: .array([.text("a"), .null, .text("b")])),
            WSManProperty(name: "Job", typeName: CIMXMLInstanceCodec.referenceTypeName, value: .reference(job)),
            WSManProperty(name: "Nothing", typeName: "string", value: .null),
            WSManProperty(name: "Inner", typeName: "string", value: .instance(WSManInstance(
                className: "Inner_C", properties: [WSManProperty(name: "X", typeName: "boolean", value: .text("TRUE"))],
                form: .cimXML))),
        ], form: .cimXML)
        let decoded = try codec.decode(codec.encode(original))
        #expect(decoded == original)
    }
}
