/// An instance element already encoded by `WSManResponseEncoder.encode(_:)`, ready to be copied into a
/// response body of an encoder with the same `style`.
public struct EncodedInstance: Sendable, Hashable {
    /// The prefix style of the encoder that wrote it.
    public let style: WSManResponseEncoder.PrefixStyle
    /// The `<p:Class …>…</p:Class>` element.
    public let bytes: [UInt8]
}
