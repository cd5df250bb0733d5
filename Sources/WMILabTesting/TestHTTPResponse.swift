import Server

/// A response as read off the wire by `TestHTTPConnection`.
public struct TestHTTPResponse: Sendable, Hashable {
    /// The status code.
    public var status: Int
    /// The reason phrase as sent.
    public var reason: String
    /// Headers in order.
    public var headers: [HTTPHeaderField]
    /// The body bytes.
    public var body: [UInt8]

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? { headers.first(named: name) }

    /// Every value of header `name`, in order.
    public func values(of name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }
}
