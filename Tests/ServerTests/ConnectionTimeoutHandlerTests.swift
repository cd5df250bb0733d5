import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import Server

@Suite("Connection timeout handler on a virtual clock")
struct ConnectionTimeoutHandlerTests {
    private static let head = HTTPServerRequestPart.head(
        HTTPRequestHead(version: .http1_1, method: .POST, uri: "/wsman"))

    private func connectedChannel() throws -> EmbeddedChannel {
        let timeouts = ConnectionTimeouts(idleTimeout: .seconds(120), readTimeout: .seconds(30))
        let handler = ConnectionTimeoutHandler(timeouts: timeouts, isStreaming: { _ in false })
        let channel = EmbeddedChannel(handler: handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 5985)).wait()
        return channel
    }

    @Test("an idle connection is closed at the idle timeout, not before")
    func idle() throws {
        let channel = try connectedChannel()
        channel.embeddedEventLoop.advanceTime(by: .seconds(119))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive)
    }

    @Test("after many requests, read and idle deadlines still count from the latest event; serving has none")
    func manyRequests() throws {
        let channel = try connectedChannel()
        for _ in 0..<5 {
            channel.embeddedEventLoop.advanceTime(by: .seconds(100))
            try channel.writeInbound(Self.head)
            channel.embeddedEventLoop.advanceTime(by: .seconds(20))
            try channel.writeInbound(HTTPServerRequestPart.end(nil))
            channel.embeddedEventLoop.advanceTime(by: .seconds(500))
            #expect(channel.isActive)
            try channel.writeOutbound(HTTPResponseWrite.complete(ByteBuffer()))
        }
        channel.embeddedEventLoop.advanceTime(by: .seconds(119))
        #expect(channel.isActive)
        try channel.writeInbound(Self.head)
        channel.embeddedEventLoop.advanceTime(by: .seconds(29))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive)
    }

    @Test("a pipelined request is timed from the end of the response before it, as if delivered then")
    func pipelined() throws {
        let channel = try connectedChannel()
        try channel.writeInbound(Self.head)
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
        try channel.writeInbound(Self.head)
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
        try channel.writeInbound(Self.head)
        channel.embeddedEventLoop.advanceTime(by: .seconds(500))
        #expect(channel.isActive)
        try channel.writeOutbound(HTTPResponseWrite.complete(ByteBuffer()))
        channel.embeddedEventLoop.advanceTime(by: .seconds(500))
        #expect(channel.isActive)
        try channel.writeOutbound(HTTPResponseWrite.complete(ByteBuffer()))
        channel.embeddedEventLoop.advanceTime(by: .seconds(29))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive)
    }
}
