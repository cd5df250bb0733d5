/// Serves what peers send: implemented by the replication engine.
public protocol PeerRequestHandler: Sendable {
    /// One request: `operation` names it (e.g. "create-replica", "apply-stream"), `parameters` is the caller's
    /// small JSON document, `body` the streamed upload (empty when the caller sent none). Returns the reply JSON.
    ///
    /// Throw `PeerError.refused(code:_:)` to refuse with a WMI return code; it reaches the caller unchanged. Any
    /// other error reaches it as a refusal with code 32768 (Failed) and the error's description.
    func handle(
        operation: String, parameters: [UInt8], body: PeerBody, from peer: PeerIdentity
    ) async throws -> [UInt8]
}
