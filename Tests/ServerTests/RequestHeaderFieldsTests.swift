import NIOHTTP1
import Testing

@testable import Server

@Suite("Request header fields picked out in one pass")
struct RequestHeaderFieldsTests {
    @Test("each field the connection reads is found in any case, the first of a repeated name wins, all are kept")
    func pickedOut() {
        let headers = HTTPHeaders([
            ("HOST", "lab"), ("wsmanidentify", "unauthenticated"), ("authorization", "Basic first"),
            ("Authorization", "Basic second"), ("CONTENT-TYPE", "application/soap+xml"), ("Content-Length", "12"),
            ("expect", "100-continue"), ("X-Content-Type", "other"),
        ])
        let fields = RequestHeaderFields(headers)
        #expect(fields.authorization == "Basic first")
        #expect(fields.wsmanIdentify == "unauthenticated")
        #expect(fields.contentType == "application/soap+xml")
        #expect(fields.contentLength == "12")
        #expect(fields.expect == "100-continue")
        #expect(fields.all.map(\.name) == headers.map(\.name))
        #expect(fields.all.map(\.value) == headers.map(\.value))
    }

    @Test("a field that is absent, or only a name of the same length, is nil")
    func absent() {
        let fields = RequestHeaderFields(HTTPHeaders([("Content-Typo", "x"), ("Authorisation", "y"), ("Expert", "z")]))
        #expect(fields.contentType == nil)
        #expect(fields.authorization == nil)
        #expect(fields.wsmanIdentify == nil)
        #expect(fields.expect == nil)
        #expect(fields.contentLength == nil)
    }
}
