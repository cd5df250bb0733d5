/// Bounds applied while parsing untrusted XML.
///
/// The defaults suit WS-Management envelopes: Windows caps `MaxEnvelopeSizekb` at 500 KiB by
/// default, so 4 MiB leaves room for large Put bodies while keeping memory bounded.
public struct XMLLimits: Sendable, Hashable {
    /// Largest document accepted, in bytes.
    public var maxDocumentBytes: Int
    /// Deepest element nesting accepted (the root element is depth 1).
    public var maxDepth: Int

    /// Limits with documented defaults: 4 MiB and 64 levels.
    public init(maxDocumentBytes: Int = 4 * 1024 * 1024, maxDepth: Int = 64) {
        self.maxDocumentBytes = maxDocumentBytes
        // libxml2 itself refuses more than 256 levels without XML_PARSE_HUGE, which we never set.
        self.maxDepth = min(max(maxDepth, 1), 256)
    }
}
