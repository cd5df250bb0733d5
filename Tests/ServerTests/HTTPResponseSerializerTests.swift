import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import Server

@Suite("HTTP response serializer")
struct HTTPResponseSerializerTests {
    private static let responses: [WSManHTTPResponse] = [
        .soap(Array("<s:Envelope/>".utf8)),
        .fault(Array("<s:Envelope><s:Fault/></s:Envelope>".utf8)),
        WSManHTTPResponse(status: 401, headers: [
            HTTPHeaderField(name: "WWW-Authenticate", value: "Negotiate"),
            HTTPHeaderField(name: "WWW-Authenticate", value: "Basic realm=\"WSMAN\""),
        ]),
        WSManHTTPResponse(status: 405, headers: [HTTPHeaderField(name: "Allow", value: "POST")]),
        WSManHTTPResponse(status: 404),
        WSManHTTPResponse(status: 200, contentType: "application/octet-stream", body: Array(0...255)),
    ]

    /// What NIO's own encoder writes for the same head and body.
    private static func encodedByNIO(_ response: WSManHTTPResponse, keepAlive: Bool) throws -> ByteBuffer {
        var headers = HTTPHeaders()
        headers.add(name: "Server", value: "Microsoft-HTTPAPI/2.0")
        if let contentType = response.contentType { headers.add(name: "Content-Type", value: contentType) }
        for field in response.headers { headers.add(name: field.name, value: field.value) }
        headers.add(name: "Content-Length", value: String(response.body.count))
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let channel = EmbeddedChannel(handler: HTTPResponseEncoder())
        let head = HTTPResponseHead(
            version: .http1_1, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        try channel.writeOutbound(HTTPServerResponsePart.head(head))
        try channel.writeOutbound(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: response.body))))
        try channel.writeOutbound(HTTPServerResponsePart.end(nil))
        var all = ByteBuffer()
        while var part = try channel.readOutbound(as: IOData.self) {
            if case .byteBuffer(var buffer) = part { all.writeBuffer(&buffer) }
            part = .byteBuffer(ByteBuffer())
        }
        _ = try channel.finish()
        return all
    }

    @Test("a response is the bytes NIO's encoder writes for it, in one buffer", arguments: responses, [true, false])
    func sameBytesAsNIO(response: WSManHTTPResponse, keepAlive: Bool) throws {
        let ours = HTTPResponseSerializer.serialize(
            response, server: "Microsoft-HTTPAPI/2.0", keepAlive: keepAlive, omitBody: false,
            allocator: ByteBufferAllocator())
        #expect(ours == (try Self.encodedByNIO(response, keepAlive: keepAlive)))
    }

    @Test("the answer to HEAD keeps the Content-Length of the body it leaves out")
    func head() {
        let response = WSManHTTPResponse.soap(Array("<s:Envelope/>".utf8))
        let buffer = HTTPResponseSerializer.serialize(
            response, server: "S", keepAlive: true, omitBody: true, allocator: ByteBufferAllocator())
        #expect(String(buffer: buffer) == "HTTP/1.1 200 OK\r\nServer: S\r\n"
            + "Content-Type: application/soap+xml;charset=UTF-8\r\nContent-Length: 13\r\n\r\n")
    }

    @Test("100 Continue answers in the request's version")
    func interimContinue() {
        let allocator = ByteBufferAllocator()
        #expect(String(buffer: HTTPResponseSerializer.interimContinue(.http1_1, allocator: allocator))
            == "HTTP/1.1 100 Continue\r\n\r\n")
        #expect(String(buffer: HTTPResponseSerializer.interimContinue(.http1_0, allocator: allocator))
            == "HTTP/1.0 100 Continue\r\n\r\n")
    }
}
