import NIOHTTP1

/// A request's header fields, copied once, with the few the connection itself reads picked out in the same pass
/// (the first of each name, as `HTTPHeaders.first(name:)` would find it).
struct RequestHeaderFields {
    /// Every field, in the order received: what endpoints see.
    var all: [HTTPHeaderField] = []
    var authorization: String?
    var contentType: String?
    var contentLength: String?
    var expect: String?
    /// `WSMANIDENTIFY`: `unauthenticated` marks an Identify probe without credentials.
    var wsmanIdentify: String?

    init(_ headers: HTTPHeaders) {
        all.reserveCapacity(headers.count)
        for (name, value) in headers {
            all.append(HTTPHeaderField(name: name, value: value))
            // The length decides which single name to compare with.
            switch name.utf8.count {
            case 6:
                if expect == nil, name.equalsIgnoringASCIICase("Expect") { expect = value }
            case 12:
                if contentType == nil, name.equalsIgnoringASCIICase("Content-Type") { contentType = value }
            case 13:
                if authorization == nil, name.equalsIgnoringASCIICase("Authorization") { authorization = value }
                if wsmanIdentify == nil, name.equalsIgnoringASCIICase("WSMANIDENTIFY") { wsmanIdentify = value }
            case 14:
                if contentLength == nil, name.equalsIgnoringASCIICase("Content-Length") { contentLength = value }
            default:
                break
            }
        }
    }
}
