import XML

/// Turns request bytes into a `WSManRequest`, or a `WSManFault` that says what was wrong.
///
/// Parsing is namespace-aware: prefixes never matter, only namespace URIs and local names.
/// Header rules follow wsman-wire.md §3: only `s:mustUnderstand="true"` in the SOAP namespace
/// counts; unknown headers carrying it fault `s:MustUnderstand`; everything else unknown is ignored.
public struct WSManRequestDecoder: Sendable {
    /// A decoding failure: the fault to send and, when the header got that far, the request's
    /// MessageID to put in `a:RelatesTo`.
    public struct Failure: Error, Sendable, Hashable {
        public var fault: WSManFault
        public var messageID: String?
    }

    public var limits: XMLLimits

    public init(limits: XMLLimits = XMLLimits()) {
        self.limits = limits
    }

    /// Decodes a whole SOAP envelope.
    public func decode(_ bytes: some Collection<UInt8>) throws(Failure) -> WSManRequest {
        let root: XMLElement
        do {
            root = try XMLTreeParser(limits: limits).parse(bytes)
        } catch {
            throw Failure(fault: .schemaValidationError(error.description), messageID: nil)
        }
        return try decode(envelope: root)
    }

    /// Decodes an already parsed envelope.
    public func decode(envelope root: XMLElement) throws(Failure) -> WSManRequest {
        var messageID: String?
        do {
            guard root.is(WSManNamespace.soap, "Envelope") else {
                throw WSManFault.schemaValidationError("the root element is not a SOAP 1.2 Envelope")
            }
            guard let body = root.child(WSManNamespace.soap, "Body") else {
                throw WSManFault.schemaValidationError("the Envelope has no Body")
            }
            let headerElement = root.child(WSManNamespace.soap, "Header")
            messageID = headerElement?.child(WSManNamespace.addressing, "MessageID")?.text
            let header = try decodeHeader(headerElement)
            let operation = try decodeOperation(header: header, body: body)
            return WSManRequest(header: header, operation: operation)
        } catch let fault as WSManFault {
            throw Failure(fault: fault, messageID: messageID)
        } catch {
            throw Failure(fault: .internalError("\(error)"), messageID: messageID)
        }
    }

    // MARK: Header

    func decodeHeader(_ element: XMLElement?) throws(WSManFault) -> WSManHeader {
        var header = WSManHeader()
        guard let element else { return header }
        for child in element.children {
            let mustUnderstand = Self.mustUnderstand(child)
            // Matched on the local name first: a short name compares in a machine word or two, where every
            // namespace URI compared is some forty bytes.
            let namespace = child.namespaceURI
            switch child.localName {
            case "Action" where namespace == WSManNamespace.addressing:
                header.action = child.trimmedText
            case "To" where namespace == WSManNamespace.addressing:
                header.to = child.trimmedText
            case "MessageID" where namespace == WSManNamespace.addressing:
                header.messageID = child.text
            case "ReplyTo" where namespace == WSManNamespace.addressing:
                header.replyTo = child.child(WSManNamespace.addressing, "Address")?.trimmedText
            case "FaultTo" where namespace == WSManNamespace.addressing,
                 "From" where namespace == WSManNamespace.addressing,
                 "OperationID" where namespace == WSManNamespace.msWSMan,
                 "SequenceId" where namespace == WSManNamespace.msWSMan:
                break
            case "ResourceURI" where namespace == WSManNamespace.wsman:
                header.resourceURIText = child.trimmedText
            case "SelectorSet" where namespace == WSManNamespace.wsman:
                header.selectors = try Self.selectorSet(child)
            case "OptionSet" where namespace == WSManNamespace.wsman:
                header.optionSetMustUnderstand = mustUnderstand
                header.options = try child.children(WSManNamespace.wsman, "Option").map { option throws(WSManFault) in
                    guard let name = option.attribute("Name") else {
                        throw .schemaValidationError("w:Option has no Name attribute")
                    }
                    let comply = option.attribute("MustComply").map(Self.isTrue) ?? false
                    return WSManOption(name: name, value: option.text, type: option.attribute("Type"),
                                       mustComply: comply)
                }
            case "MaxEnvelopeSize" where namespace == WSManNamespace.wsman:
                guard let size = Int(child.trimmedText), size > 0 else {
                    throw .invalidParameter("The MaxEnvelopeSize \(child.trimmedText) is not a positive integer. ")
                }
                if size < 8192 { throw .encodingLimitTooSmall(size) }
                header.maxEnvelopeSize = size
            case "OperationTimeout" where namespace == WSManNamespace.wsman:
                guard let timeout = XSDuration.parse(child.text) else {
                    throw .invalidParameter("The OperationTimeout \(child.trimmedText) is not an xs:duration. ")
                }
                header.operationTimeout = timeout
            case "Locale" where namespace == WSManNamespace.wsman:
                header.locale = child.attribute("lang", namespaceURI: WSManNamespace.xml)
            case "DataLocale" where namespace == WSManNamespace.msWSMan:
                header.dataLocale = child.attribute("lang", namespaceURI: WSManNamespace.xml)
            case "SessionId" where namespace == WSManNamespace.msWSMan:
                header.sessionID = child.trimmedText
            case "FragmentTransfer" where namespace == WSManNamespace.wsman:
                header.fragmentTransfer = child.trimmedText
            default:
                if mustUnderstand {
                    throw .mustUnderstand("{\(child.namespaceURI ?? "")}\(child.localName)")
                }
            }
        }
        return header
    }

    /// Only the SOAP-namespace attribute counts; pywinrm's unqualified one is an ordinary attribute.
    static func mustUnderstand(_ element: XMLElement) -> Bool {
        element.attribute("mustUnderstand", namespaceURI: WSManNamespace.soap).map(isTrue) ?? false
    }

    static func isTrue(_ text: String) -> Bool {
        let value = text.trimmingXMLWhitespace()
        return value == "true" || value == "1"
    }

    // MARK: Operation

    static let transfer = "http://schemas.xmlsoap.org/ws/2004/09/transfer/"
    static let enumeration = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/"

    func decodeOperation(header: WSManHeader, body: XMLElement) throws(WSManFault) -> WSManOperation {
        let payload = body.children.first
        if let payload, payload.localName == "Identify",
           payload.namespaceURI == WSManNamespace.identity || payload.namespaceURI == WSManNamespace.identify {
            return .identify
        }
        guard !header.action.isEmpty else { throw .messageInformationHeaderRequired("a:Action") }
        // Windows refuses a request without a MessageID; wsl sends an empty one when uuidgen is missing,
        // and gets this fault telling it so rather than a response it cannot correlate.
        guard let messageID = header.messageID else { throw .messageInformationHeaderRequired("a:MessageID") }
        guard !messageID.trimmingXMLWhitespace().isEmpty else {
            throw .invalidMessageInformationHeader("The WS-Management service cannot process the request "
                + "because the a:MessageID header is empty. ")
        }
        switch header.action {
        case Self.transfer + "Get":
            return .get
        case Self.transfer + "Put":
            return .put(try instancePayload(payload, header: header, operation: "Put"))
        case Self.transfer + "Create":
            return .create(try instancePayload(payload, header: header, operation: "Create"))
        case Self.transfer + "Delete":
            return .delete
        case Self.enumeration + "Enumerate":
            guard let payload, payload.is(WSManNamespace.enumeration, "Enumerate") else {
                throw .schemaValidationError("the Body of an Enumerate must be n:Enumerate")
            }
            return .enumerate(try enumerateOptions(payload))
        case Self.enumeration + "Pull":
            guard let payload, payload.is(WSManNamespace.enumeration, "Pull") else {
                throw .schemaValidationError("the Body of a Pull must be n:Pull")
            }
            return .pull(try pullOptions(payload))
        case Self.enumeration + "Release":
            guard let payload, payload.is(WSManNamespace.enumeration, "Release") else {
                throw .schemaValidationError("the Body of a Release must be n:Release")
            }
            return .release(context: try context(payload))
        default:
            return try invoke(header: header, payload: payload)
        }
    }

    private func invoke(header: WSManHeader, payload: XMLElement?) throws(WSManFault) -> WSManOperation {
        guard let resourceURI = header.resourceURIText,
              let method = header.action.droppingPrefix(resourceURI + "/"),
              !method.isEmpty, !method.contains("/")
        else { throw .actionNotSupported(header.action) }
        guard let payload else { return .invoke(method: method, parameters: []) }
        guard payload.localName.lowercased() == (method + "_INPUT").lowercased() else {
            throw .schemaValidationError("the Body of \(method) must be \(method)_INPUT, not \(payload.localName)")
        }
        return .invoke(method: method, parameters: try WireValueReader(limits: limits).namedValues(payload.children))
    }

    private func instancePayload(
        _ payload: XMLElement?, header: WSManHeader, operation: String
    ) throws(WSManFault) -> WSManInstance {
        guard let payload else { throw .schemaValidationError("the Body of a \(operation) carries no instance") }
        let reader = WireValueReader(limits: limits)
        if payload.is(WSManNamespace.wsman, "XmlFragment") {
            // Fragment transfer: the fragment's children are properties of the addressed class.
            let className = (try? header.resourceURI())??.className ?? ""
            return WSManInstance(className: className, namespaceURI: header.resourceURIText,
                                 properties: try reader.namedValues(payload.children))
        }
        return try reader.instance(element: payload)
    }

    // MARK: Enumeration bodies

    private func enumerateOptions(_ element: XMLElement) throws(WSManFault) -> EnumerateOptions {
        var options = EnumerateOptions()
        for child in element.children {
            switch (child.namespaceURI, child.localName) {
            case (WSManNamespace.wsman, "OptimizeEnumeration"):
                options.optimize = true
            case (WSManNamespace.wsman, "MaxElements"), (WSManNamespace.enumeration, "MaxElements"):
                options.maxElements = try Self.positiveInteger(child)
            case (WSManNamespace.wsman, "EnumerationMode"):
                guard let mode = EnumerationMode(rawValue: child.trimmedText), mode != .objects else {
                    throw .invalidParameter("The EnumerationMode \(child.trimmedText) is not supported. ")
                }
                options.mode = mode
            case (WSManNamespace.enumeration, "Expires"):
                options.expires = child.trimmedText
            case (WSManNamespace.wsman, "Filter"), (WSManNamespace.enumeration, "Filter"):
                options.filter = try filter(child)
            default:
                break
            }
        }
        return options
    }

    private func filter(_ element: XMLElement) throws(WSManFault) -> EnumerationFilter {
        let dialect = element.attribute("Dialect")?.trimmingXMLWhitespace() ?? ""
        switch dialect {
        case EnumerationFilter.wqlDialect:
            let query = element.trimmedText
            guard !query.isEmpty else { throw .cannotProcessFilter("The WQL filter is empty. ") }
            return .wql(query)
        case EnumerationFilter.selectorDialect:
            guard let set = element.child(WSManNamespace.wsman, "SelectorSet") else {
                throw .cannotProcessFilter("The selector filter has no w:SelectorSet. ")
            }
            return .selector(try Self.selectorSet(set))
        case EnumerationFilter.associationDialect:
            return .association(try associationFilter(element))
        default:
            throw .filterDialectRequestedUnavailable(dialect.isEmpty ? "(none)" : dialect)
        }
    }

    private func associationFilter(_ element: XMLElement) throws(WSManFault) -> AssociationFilter {
        let kind: AssociationFilter.Kind
        let body: XMLElement
        if let associated = element.child(WSManNamespace.cimBinding, "AssociatedInstances") {
            kind = .associatedInstances
            body = associated
        } else if let association = element.child(WSManNamespace.cimBinding, "AssociationInstances") {
            kind = .associationInstances
            body = association
        } else {
            throw .cannotProcessFilter("The association filter has neither b:AssociatedInstances nor "
                + "b:AssociationInstances. ")
        }
        guard let objectElement = body.child(WSManNamespace.cimBinding, "Object"),
              let object = try Self.endpointReference(objectElement)
        else { throw .cannotProcessFilter("The association filter has no b:Object endpoint reference. ") }
        func text(_ name: String) -> String? {
            body.child(WSManNamespace.cimBinding, name).map { $0.trimmedText }.flatMap { $0.isEmpty ? nil : $0 }
        }
        return AssociationFilter(
            kind: kind, object: object, associationClassName: text("AssociationClassName"), role: text("Role"),
            resultClassName: text("ResultClassName"), resultRole: text("ResultRole"),
            includeResultProperties: body.children(WSManNamespace.cimBinding, "IncludeResultProperty")
                .map { $0.trimmedText })
    }

    private func pullOptions(_ element: XMLElement) throws(WSManFault) -> PullOptions {
        var options = PullOptions(context: try context(element))
        if let max = element.child(WSManNamespace.enumeration, "MaxElements") {
            options.maxElements = try Self.positiveInteger(max)
        }
        if let max = element.child(WSManNamespace.enumeration, "MaxCharacters") {
            options.maxCharacters = try Self.positiveInteger(max)
        }
        if let time = element.child(WSManNamespace.enumeration, "MaxTime") {
            guard let duration = XSDuration.parse(time.text) else {
                throw .invalidParameter("The MaxTime \(time.trimmedText) is not an xs:duration. ")
            }
            options.maxTime = duration
        }
        return options
    }

    private func context(_ element: XMLElement) throws(WSManFault) -> String {
        guard let context = element.child(WSManNamespace.enumeration, "EnumerationContext") else {
            throw .schemaValidationError("n:\(element.localName) has no n:EnumerationContext")
        }
        return context.trimmedText
    }

    private static func positiveInteger(_ element: XMLElement) throws(WSManFault) -> Int {
        guard let value = Int(element.trimmedText), value > 0 else {
            throw .invalidParameter("The value \(element.trimmedText) of \(element.localName) is not a positive "
                + "integer. ")
        }
        return value
    }

    // MARK: Selectors and EPRs

    static func selectorSet(_ element: XMLElement) throws(WSManFault) -> SelectorSet {
        var set = SelectorSet()
        set.selectors.reserveCapacity(element.children.count)
        for selector in element.children where selector.is(WSManNamespace.wsman, "Selector") {
            guard let name = selector.attribute("Name"), !name.isEmpty else {
                throw .invalidSelectors("The WS-Management service cannot process the request because a "
                    + "selector has no Name. ")
            }
            if let reference = try endpointReference(selector) {
                set.selectors.append(WSManSelector(name: name, value: .reference(reference)))
            } else {
                set.selectors.append(WSManSelector(name: name, value: .text(selector.text)))
            }
        }
        return set
    }

    /// Reads an EPR from an element holding Address + ReferenceParameters, or an `a:EndpointReference`
    /// child; nil when the element holds neither.
    static func endpointReference(_ element: XMLElement) throws(WSManFault) -> EndpointReference? {
        if let wrapped = element.child(WSManNamespace.addressing, "EndpointReference") {
            return try endpointReference(wrapped)
        }
        let address = element.child(WSManNamespace.addressing, "Address")
        guard let parameters = element.child(WSManNamespace.addressing, "ReferenceParameters") else {
            if address != nil {
                throw .schemaValidationError("an endpoint reference has an Address but no ReferenceParameters")
            }
            return nil
        }
        guard let resourceURI = parameters.child(WSManNamespace.wsman, "ResourceURI")?.trimmedText else {
            throw .schemaValidationError("an endpoint reference has no w:ResourceURI")
        }
        let selectors = try parameters.child(WSManNamespace.wsman, "SelectorSet").map(selectorSet) ?? SelectorSet()
        return EndpointReference(address: address?.trimmedText ?? EndpointReference.anonymous,
                                 resourceURI: resourceURI, selectors: selectors)
    }
}
