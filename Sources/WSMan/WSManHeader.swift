/// One `w:Option` of a `w:OptionSet`.
public struct WSManOption: Sendable, Hashable {
    public var name: String
    public var value: String
    /// The `Type` attribute, if any.
    public var type: String?
    /// The `MustComply` attribute.
    public var mustComply: Bool

    public init(name: String, value: String, type: String? = nil, mustComply: Bool = false) {
        self.name = name
        self.value = value
        self.type = type
        self.mustComply = mustComply
    }
}

/// The SOAP header of a request, as understood by the decoder (wsman-wire.md §3).
public struct WSManHeader: Sendable, Hashable {
    /// `a:Action`; empty for Identify, which is recognised by its body.
    public var action: String = ""
    public var to: String?
    /// `a:MessageID` exactly as sent; echo it byte for byte into `a:RelatesTo`.
    public var messageID: String?
    /// `a:ReplyTo/a:Address`.
    public var replyTo: String?
    /// `w:ResourceURI` text as sent.
    public var resourceURIText: String?
    public var selectors: SelectorSet = SelectorSet()
    public var options: [WSManOption] = []
    /// True when the OptionSet carried `s:mustUnderstand="true"`.
    public var optionSetMustUnderstand = false
    /// `w:MaxEnvelopeSize` in bytes.
    public var maxEnvelopeSize: Int?
    /// `w:OperationTimeout`.
    public var operationTimeout: Duration?
    /// `w:Locale/@xml:lang`.
    public var locale: String?
    /// `p:DataLocale/@xml:lang`.
    public var dataLocale: String?
    /// `p:SessionId`.
    public var sessionID: String?
    /// `w:FragmentTransfer` expression.
    public var fragmentTransfer: String?

    public init() {}

    /// The parsed resource URI (nil when the header had none).
    public func resourceURI() throws(WSManFault) -> ResourceURI? {
        guard let text = resourceURIText else { return nil }
        return try ResourceURI(parsing: text)
    }

    /// The CIM namespace addressed: from the WMI URI, or `__cimnamespace` / the MS-WSMV default.
    public func cimNamespace() throws(WSManFault) -> String? {
        try resourceURI()?.resolvedNamespace(cimNamespaceSelector: selectors.cimNamespace)
    }
}
