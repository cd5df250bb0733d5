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

    /// `path.lowercased() == "/wsman"`, without building the lower-cased copy.
    private static func isWSMan(_ path: Substring) -> Bool {
        let utf8 = path.utf8
        guard utf8.count == wsmanPath.count else { return false }
        for (offset, byte) in utf8.enumerated() {
            let expected = wsmanPath[offset]
            guard byte == expected || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") && byte | 0x20 == expected)
            else { return false }
        }
        return true
    }

    private static let wsmanPath = Array("/wsman".utf8)
}
