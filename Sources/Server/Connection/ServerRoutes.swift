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
        streaming.contains { $0.matches(path) }
    }

    /// `path.lowercased() == "/wsman"`, without building the lower-cased copy.
    private static func isWSMan(_ path: Substring) -> Bool {
        guard path.utf8.count == 6 else { return false }
        return zip(path.utf8, "/wsman".utf8).allSatisfy { byte, expected in
            byte == expected || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") && byte | 0x20 == expected)
        }
    }
}
