import XML

/// Renders responses and faults in the Windows shape (wsman-wire.md §4–§12).
public struct WSManResponseEncoder: Sendable {
    /// Prefixes for addressing and wsman elements: Windows `a`/`w`, or `wsa`/`wsman` for wsl, which
    /// copies response text into its next request (§7.6).
    public enum PrefixStyle: Sendable, Hashable {
        case windows, wsl
    }

    public var style: PrefixStyle
    /// `Machine` attribute of fault details.
    public var machine: String

    public init(style: PrefixStyle = .windows, machine: String = "localhost") {
        self.style = style
        self.machine = machine
    }

    var a: String { style == .windows ? "a" : "wsa" }
    var w: String { style == .windows ? "w" : "wsman" }

    /// A new upper-case `uuid:` MessageID.
    public static func newMessageID() -> String {
        if #available(macOS 15.0, *) { return MessageIDGenerator.next() }
        var generator = SystemRandomNumberGenerator()
        return MessageIDGenerator.format(generator.next(), generator.next())
    }

    // MARK: Envelope

    /// `<s:Envelope …><s:Header><a:To>…</a:To>`: the same in every response of a style, so written once.
    private static let windowsEnvelopeHead = WSManResponseEncoder(style: .windows).envelopeHead()
    private static let wslEnvelopeHead = WSManResponseEncoder(style: .wsl).envelopeHead()

    private func envelopeHead() -> [UInt8] {
        var writer = XMLWriter(reservingCapacity: 512)
        writer.open("s:Envelope", [
            "xml:lang": "en-US", "xmlns:s": WSManNamespace.soap, "xmlns:\(a)": WSManNamespace.addressing,
            "xmlns:x": WSManNamespace.transfer, "xmlns:\(w)": WSManNamespace.wsman,
            "xmlns:n": WSManNamespace.enumeration, "xmlns:p": WSManNamespace.msWSMan,
        ])
        writer.open("s:Header")
        writer.element("\(a):To", text: EndpointReference.anonymous)
        return writer.bytes
    }

    private func openEnvelope(_ writer: inout XMLWriter, action: String, relatesTo: String?, messageID: String) {
        writer.raw(style == .windows ? Self.windowsEnvelopeHead : Self.wslEnvelopeHead)
        writer.element("\(a):Action", text: action)
        writer.element("\(a):MessageID", text: messageID)
        if let relatesTo { writer.element("\(a):RelatesTo", text: relatesTo) }
        writer.close("s:Header")
        writer.open("s:Body")
    }

    private func closeEnvelope(_ writer: inout XMLWriter) {
        writer.close("s:Body")
        writer.close("s:Envelope")
    }

    /// Encodes a response; compare `bytes.count` with the request's MaxEnvelopeSize and send
    /// `WSManFault.encodingLimit` instead when it is too big.
    public func encode(_ response: WSManResponse, messageID: String = newMessageID()) -> [UInt8] {
        var writer: XMLWriter
        if case .encodedGet(let instance) = response.body {
            writer = XMLWriter(reservingCapacity: 1024 + instance.bytes.count)  // the envelope is ~900 bytes
        } else {
            writer = XMLWriter()
        }
        if case .identify(let vendor, let version) = response.body {
            writer.raw("<s:Envelope xml:lang=\"en-US\" xmlns:s=\"\(WSManNamespace.soap)\" "
                + "xmlns:wsmid=\"\(WSManNamespace.identity)\"><s:Header/><s:Body><wsmid:IdentifyResponse>")
            writer.element("wsmid:ProtocolVersion", text: WSManNamespace.wsman)
            writer.element("wsmid:ProductVendor", text: vendor)
            writer.element("wsmid:ProductVersion", text: version ?? "OS: 0.0.0 SP: 0.0 Stack: 3.0")
            if version != nil {
                writer.open("wsmid:SecurityProfiles")
                writer.element("wsmid:SecurityProfileName",
                               text: "http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/http/basic")
                writer.element("wsmid:SecurityProfileName",
                               text: "http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/http/spnego-kerberos")
                writer.close("wsmid:SecurityProfiles")
            }
            writer.raw("</wsmid:IdentifyResponse></s:Body></s:Envelope>")
            return writer.bytes
        }
        openEnvelope(&writer, action: response.requestAction + "Response", relatesTo: response.relatesTo,
                     messageID: messageID)
        switch response.body {
        case .identify:
            break
        case .get(let instance):
            writeInstance(instance, into: &writer)
        case .encodedGet(let instance):
            assert(instance.style == style, "an instance encoded in another prefix style")
            writer.raw(instance.bytes)
        case .put(let instance):
            if let instance { writeInstance(instance, into: &writer) }
        case .create(let reference):
            writer.open("x:ResourceCreated")
            writeEPRChildren(reference, into: &writer)
            writer.close("x:ResourceCreated")
        case .delete, .release:
            break
        case .enumerate(let context, let items):
            writer.open("n:EnumerateResponse")
            writer.element("n:EnumerationContext", text: context ?? "")
            if let items {
                writer.open("\(w):Items")
                for item in items { writeItem(item, into: &writer) }
                writer.close("\(w):Items")
                if context == nil { writer.empty("\(w):EndOfSequence") }
            }
            writer.close("n:EnumerateResponse")
        case .pull(let context, let items):
            writer.open("n:PullResponse")
            if let context { writer.element("n:EnumerationContext", text: context) }
            writer.open("n:Items")
            for item in items { writeItem(item, into: &writer) }
            writer.close("n:Items")
            if context == nil { writer.empty("n:EndOfSequence") }
            writer.close("n:PullResponse")
        case .invoke(let method, let resourceURI, let outputs, let returnValue):
            // xsi and cim are declared only when a value needs them, to keep the Windows shape.
            let needsTypes = outputs.contains { Self.needsTypeNamespaces($0.value) }
            if needsTypes {
                writer.open("p:\(method)_OUTPUT", ["xmlns:p": resourceURI, "xmlns:cim": WSManNamespace.cimCommon,
                                                   "xmlns:xsi": WSManNamespace.xsi])
            } else {
                writer.open("p:\(method)_OUTPUT", ["xmlns:p": resourceURI])
            }
            for output in outputs where output.name.lowercased() != "returnvalue" {
                writeProperty(output, into: &writer)
            }
            writeProperty(WSManProperty(name: "ReturnValue", value: returnValue), into: &writer)
            writer.close("p:\(method)_OUTPUT")
        }
        closeEnvelope(&writer)
        return writer.bytes
    }

    // MARK: Instances and values (DSP0230)

    static func needsTypeNamespaces(_ value: WSManValue) -> Bool {
        switch value {
        case .null, .dateTime: return true
        case .array(let values): return values.contains(where: needsTypeNamespaces)
        default: return false
        }
    }

    private func writeItem(_ item: EnumerationItem, into writer: inout XMLWriter) {
        switch item {
        case .object(let instance):
            writeInstance(instance, into: &writer)
        case .epr(let reference):
            writeEndpointReference(reference, into: &writer)
        case .objectAndEPR(let instance, let reference):
            writer.open("\(w):Item")
            writeInstance(instance, into: &writer)
            writeEndpointReference(reference, into: &writer)
            writer.close("\(w):Item")
        }
    }

    /// `instance` as it appears in a response body, for `WSManResponseBody.encodedGet`.
    public func encode(_ instance: WSManInstance) -> EncodedInstance {
        var writer = XMLWriter(reservingCapacity: 2048)
        writeInstance(instance, into: &writer)
        return EncodedInstance(style: style, bytes: writer.bytes)
    }

    /// `<p:Class xmlns:p="<class URI>" xmlns:cim=… xmlns:xsi=… xsi:type="p:Class_Type">`.
    func writeInstance(_ instance: WSManInstance, into writer: inout XMLWriter) {
        let uri = instance.namespaceURI ?? ResourceURI.dmtf(className: instance.className).description
        writer.open("p:\(instance.className)", [
            "xmlns:p": uri, "xmlns:cim": WSManNamespace.cimCommon, "xmlns:xsi": WSManNamespace.xsi,
            "xsi:type": "p:\(instance.className)_Type",
        ])
        for property in instance.properties { writeProperty(property, into: &writer) }
        writer.close("p:\(instance.className)")
    }

    /// Null → `xsi:nil`; arrays → the element repeated (empty array → omitted); dates → `cim:` child;
    /// references → EPR children. Embedded instances are written as escaped CIM-XML `INSTANCE` text:
    /// that is the form Windows clients feed back into methods and the one real Hyper-V accepts (§8).
    func writeProperty(_ property: WSManProperty, into writer: inout XMLWriter) {
        let name = property.name
        switch property.value {
        case .array(let values):
            for value in values { writeProperty(WSManProperty(name: property.name, value: value), into: &writer) }
        case .null:
            writer.empty("p:\(name)", ["xsi:nil": "true"])
        case .text(let text), .mof(let text):
            writer.element(prefix: "p", name, text: text)
        case .dateTime(let form, let text):
            writer.open(prefix: "p", name)
            writer.element(prefix: "cim", form.rawValue, text: text)
            writer.close(prefix: "p", name)
        case .reference(let reference):
            writer.open(prefix: "p", name)
            writeEPRChildren(reference, into: &writer)
            writer.close(prefix: "p", name)
        case .instance(let instance):
            writer.element(prefix: "p", name, text: CIMXMLInstanceCodec().encode(instance))
        }
    }

    func writeEndpointReference(_ reference: EndpointReference, into writer: inout XMLWriter) {
        writer.open("\(a):EndpointReference")
        writeEPRChildren(reference, into: &writer)
        writer.close("\(a):EndpointReference")
    }

    func writeEPRChildren(_ reference: EndpointReference, into writer: inout XMLWriter) {
        writer.element("\(a):Address", text: reference.address)
        writer.open("\(a):ReferenceParameters")
        writer.element("\(w):ResourceURI", text: reference.resourceURI)
        writer.open("\(w):SelectorSet")
        for selector in reference.selectors.selectors {
            switch selector.value {
            case .text(let text):
                writer.element("\(w):Selector", ["Name": selector.name], text: text)
            case .reference(let nested):
                writer.open("\(w):Selector", ["Name": selector.name])
                writeEndpointReference(nested, into: &writer)
                writer.close("\(w):Selector")
            }
        }
        writer.close("\(w):SelectorSet")
        writer.close("\(a):ReferenceParameters")
    }

    // MARK: Faults

    /// Renders the full SOAP fault of wsman-wire.md §10; send it with HTTP `fault.httpStatus` (500).
    public func encode(_ fault: WSManFault, relatesTo: String?, messageID: String = newMessageID()) -> [UInt8] {
        var writer = XMLWriter()
        openEnvelope(&writer, action: fault.action, relatesTo: relatesTo, messageID: messageID)
        writer.open("s:Fault")
        writer.open("s:Code")
        switch fault.code {
        case .sender: writer.element("s:Value", text: "s:Sender")
        case .receiver: writer.element("s:Value", text: "s:Receiver")
        case .mustUnderstand: writer.element("s:Value", text: "s:MustUnderstand")
        }
        if let subcode = fault.subcode {
            writer.open("s:Subcode")
            writer.element("s:Value", text: prefix(for: subcode.namespaceURI) + ":" + subcode.localName)
            writer.close("s:Subcode")
        }
        writer.close("s:Code")
        writer.open("s:Reason")
        writer.element("s:Text", ["xml:lang": "en-US"], text: fault.reason)
        writer.close("s:Reason")
        writer.open("s:Detail")
        if let detail = fault.faultDetail { writer.element("\(w):FaultDetail", text: detail) }
        writer.open("f:WSManFault", ["xmlns:f": WSManNamespace.wsmanFault, "Code": String(fault.wsmanCode),
                                     "Machine": machine])
        writer.open("f:Message")
        if let provider = fault.providerFault {
            writer.open("f:ProviderFault", ["provider": provider.provider, "path": provider.path])
            writer.open("f:WSManFault", ["xmlns:f": WSManNamespace.wsmanFault, "Code": String(provider.code),
                                         "Machine": machine])
            writer.element("f:Message", text: provider.message)
            writer.close("f:WSManFault")
            writer.close("f:ProviderFault")
        } else {
            writer.text(fault.reason)
        }
        writer.close("f:Message")
        writer.close("f:WSManFault")
        if let wmi = fault.wmiError {
            writer.open("p:MSFT_WmiError", [
                "b:IsCIM_Error": "true", "xmlns:b": WSManNamespace.cimBinding,
                "xmlns:p": ResourceURI.dmtfClassPrefix + "MSFT_WmiError", "xmlns:cim": WSManNamespace.cimCommon,
                "xmlns:xsi": WSManNamespace.xsi, "xsi:type": "p:MSFT_WmiError_Type",
            ])
            writer.element("p:CIMStatusCode", ["xsi:type": "cim:cimUnsignedInt"], text: String(wmi.cimStatusCode))
            writer.empty("p:CIMStatusCodeDescription", ["xsi:type": "cim:cimString", "xsi:nil": "true"])
            writer.empty("p:ErrorSource", ["xsi:type": "cim:cimString", "xsi:nil": "true"])
            writer.element("p:ErrorSourceFormat", ["xsi:type": "cim:cimUnsignedShort"], text: "0")
            writer.element("p:Message", ["xsi:type": "cim:cimString"], text: wmi.message)
            writer.element("p:MessageID", ["xsi:type": "cim:cimString"], text: wmi.messageID)
            writer.element("p:error_Category", ["xsi:type": "cim:cimUnsignedInt"], text: String(wmi.errorCategory))
            writer.element("p:error_Code", ["xsi:type": "cim:cimUnsignedInt"], text: String(wmi.errorCode))
            writer.element("p:error_Type", ["xsi:type": "cim:cimString"], text: "HRESULT")
            writer.element("p:error_WindowsErrorMessage", ["xsi:type": "cim:cimString"], text: wmi.message)
            writer.close("p:MSFT_WmiError")
        }
        writer.close("s:Detail")
        writer.close("s:Fault")
        closeEnvelope(&writer)
        return writer.bytes
    }

    private func prefix(for namespace: String) -> String {
        switch namespace {
        case WSManNamespace.addressing: return a
        case WSManNamespace.enumeration: return "n"
        case WSManNamespace.transfer: return "x"
        case WSManNamespace.soap: return "s"
        default: return w
        }
    }
}
