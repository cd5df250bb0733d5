/// How a `WSManEndpoint` answers a request (`WSManEndpoint.reply(to:)`).
public enum WSManEndpointReply: Sendable {
    /// The response, computed without suspending.
    case now(WSManHTTPResponse)
    /// The call that computes the response; the server runs it in a task.
    case later(@Sendable () async -> WSManHTTPResponse)
}
