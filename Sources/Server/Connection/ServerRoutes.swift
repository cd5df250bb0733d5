/// Which endpoint serves a path: `/wsman` (case-insensitive, as on Windows) or a streaming route.
struct ServerRoutes: Sendable {
    enum Route {
        case wsman(any WSManEndpoint)
        case streaming(StreamingRoute)
    }

    let wsman: any WSManEndpoint
    let streaming: [StreamingRoute]

    func route(for path: Substring) -> Route? {
        if Self.isWSMan(path) { return .wsman(wsman) }
        if let route = streaming.first(where: { $0.matches(path) }) { return .streaming(route) }
        return nil
    }

    func isStreaming(_ path: Substring) -> Bool {
        // No streaming route covers `/wsman` (StreamingRoute refuses such a prefix): the common case is decided first.
        !Self.isWSMan(path) && streaming.contains { $0.matches(path) }
    }

    /// `/wsman` in any case, as Windows answers it.
    private static func isWSMan(_ path: Substring) -> Bool {
        path.equalsIgnoringASCIICase("/wsman")
    }
}
