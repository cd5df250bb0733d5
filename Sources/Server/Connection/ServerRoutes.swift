/// Which endpoint serves a path: `/wsman` (case-insensitive, as on Windows) or a streaming route.
struct ServerRoutes: Sendable {
    enum Route {
        case wsman(any WSManEndpoint)
        case streaming(StreamingRoute)
    }

    let wsman: any WSManEndpoint
    let streaming: [StreamingRoute]

    func route(for path: Substring) -> Route? {
        if path.lowercased() == "/wsman" { return .wsman(wsman) }
        if let route = streaming.first(where: { $0.matches(path) }) { return .streaming(route) }
        return nil
    }

    func isStreaming(_ path: Substring) -> Bool {
        streaming.contains { $0.matches(path) }
    }
}
