/// One enumerated item, in the shape the `EnumerationMode` asked for.
public enum EnumerationItem: Sendable, Hashable {
    case object(WSManInstance)
    case epr(EndpointReference)
    case objectAndEPR(WSManInstance, EndpointReference)
}

/// What the server answers; `WSManResponseEncoder` turns it into bytes.
public enum WSManResponseBody: Sendable, Hashable {
    /// Identify; `productVersion` nil means the unauthenticated `OS: 0.0.0 SP: 0.0 Stack: 3.0`.
    case identify(productVendor: String, productVersion: String?)
    case get(WSManInstance)
    /// A Get answered with an instance encoded beforehand by an encoder of the same style.
    case encodedGet(EncodedInstance)
    case put(WSManInstance?)
    case create(EndpointReference)
    case delete
    /// `items` nil = not optimized (context only); with items, a nil context means end of sequence.
    case enumerate(context: String?, items: [EnumerationItem]?)
    /// A nil context means `n:EndOfSequence`.
    case pull(context: String?, items: [EnumerationItem])
    case release
    /// `<Method>_OUTPUT` with the out parameters and `ReturnValue` last.
    case invoke(method: String, resourceURI: String, outputs: [WSManProperty], returnValue: WSManValue)
}

/// A response: the request's action and MessageID, and the body.
public struct WSManResponse: Sendable, Hashable {
    /// The request's `a:Action`; the response carries it + `Response`.
    public var requestAction: String
    /// The request's `a:MessageID`, echoed byte for byte in `a:RelatesTo`.
    public var relatesTo: String?
    public var body: WSManResponseBody

    public init(requestAction: String, relatesTo: String?, body: WSManResponseBody) {
        self.requestAction = requestAction
        self.relatesTo = relatesTo
        self.body = body
    }
}
