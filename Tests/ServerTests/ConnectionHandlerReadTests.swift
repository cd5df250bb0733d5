import Foundation
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import Server

/// Counts the read requests that reach it from the handlers after it.
private final class ReadCounter: ChannelOutboundHandler {
    typealias OutboundIn = Any
    var reads = 0

    func read(context: ChannelHandlerContext) {
        reads += 1
        context.read()
    }
}

/// Answers at once with the request body.
private struct ImmediateEchoEndpoint: WSManEndpoint {
    func respond(to request: WSManHTTPRequest) async -> WSManHTTPResponse { .soap(request.body) }
    func reply(to request: WSManHTTPRequest) -> WSManEndpointReply { .now(.soap(request.body)) }
}

@Suite("Connection handler reads, on an embedded channel")
struct ConnectionHandlerReadTests {
    private static func request(_ body: String) -> [HTTPServerRequestPart] {
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/wsman")
        head.headers.add(name: "Authorization", value: "Basic bGFidXNlcjpMYWJQYXNzMSE=")
        head.headers.add(name: "Content-Type", value: "application/soap+xml")
        head.headers.add(name: "Content-Length", value: String(body.utf8.count))
        return [.head(head), .body(ByteBuffer(string: body)), .end(nil)]
    }

    private static func channel() throws -> (EmbeddedChannel, ReadCounter) {
        let channel = EmbeddedChannel()
        let counter = ReadCounter()
        let configuration = HTTPConnectionHandler.Configuration(
            routes: ServerRoutes(wsman: ImmediateEchoEndpoint(), streaming: []),
            users: [.labDefault],
            limits: ServerLimits(),
            gate: OperationGate(limit: 100),
            isSecure: false,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        let lifecycle = ConnectionLifecycle(channel: channel, gracePeriod: .seconds(1))
        try channel.pipeline.syncOperations.addHandler(counter)
        try channel.pipeline.syncOperations.addHandler(
            HTTPConnectionHandler(configuration: configuration, lifecycle: lifecycle)
        )
        return (channel, counter)
    }

    /// The bodies of the responses written so far, checking each is a whole 200 response.
    private static func answers(_ channel: EmbeddedChannel) throws -> [String] {
        var bodies: [String] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) {
            let text = String(buffer: buffer)
            #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
            let parts = text.components(separatedBy: "\r\n\r\n")
            #expect(parts.count == 2)
            bodies.append(parts.dropFirst().joined(separator: "\r\n\r\n"))
        }
        return bodies
    }

    @Test("reading stops while pipelined parts queue behind an answer, and resumes once they are served in order")
    func pipelinedBackPressure() throws {
        let (channel, counter) = try Self.channel()
        for part in Self.request("first") { try channel.writeInbound(part) }
        // The answer is due but not yet written: what follows is queued.
        let pipelined = (1...6).map { "next-\($0)" }
        for body in pipelined {
            for part in Self.request(body) { try channel.writeInbound(part) }
        }
        channel.read()
        #expect(counter.reads == 0, "18 queued parts: reading must wait")
        #expect(try Self.answers(channel).isEmpty)

        // Each turn of the loop writes one answer and starts on the next queued request.
        var answers: [String] = []
        for _ in 0..<10 where answers.count < 7 {
            channel.embeddedEventLoop.run()
            answers += try Self.answers(channel)
        }
        #expect(answers == ["first"] + pipelined)
        #expect(counter.reads == 1, "the withheld read goes out once the queue has drained")
        channel.read()
        #expect(counter.reads == 2)
        _ = try channel.finish()
    }

    @Test("a request split into single-byte body chunks is reassembled")
    func dripFedBody() throws {
        let (channel, _) = try Self.channel()
        let body = "<s:Envelope>drip</s:Envelope>"
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/wsman")
        head.headers.add(name: "Authorization", value: "Basic bGFidXNlcjpMYWJQYXNzMSE=")
        head.headers.add(name: "Content-Type", value: "application/soap+xml")
        try channel.writeInbound(HTTPServerRequestPart.head(head))
        for byte in body.utf8 {
            try channel.writeInbound(HTTPServerRequestPart.body(ByteBuffer(bytes: [byte])))
        }
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
        channel.embeddedEventLoop.run()
        #expect(try Self.answers(channel) == [body])
        _ = try channel.finish()
    }
}
