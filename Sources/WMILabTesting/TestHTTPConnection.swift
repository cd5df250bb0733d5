import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import Server

/// A raw HTTP/1.1 client connection for tests: sends exactly the bytes given (so tests can pipeline,
/// dribble or send garbage) and parses responses off the wire.
public final class TestHTTPConnection {
    private var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private let channel: any Channel
    private var buffer: [UInt8] = []
    private var closed = false

    private init(
        iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
        channel: any Channel
    ) {
        self.iterator = iterator
        self.outbound = outbound
        self.channel = channel
    }

    /// Opens a connection to `host:port` (TLS without certificate verification when `tls`), runs `body`
    /// and closes it.
    public static func with<Result>(
        host: String = "127.0.0.1",
        port: Int,
        tls: Bool = false,
        _ body: (TestHTTPConnection) async throws -> Result
    ) async throws -> Result {
        let sslContext: NIOSSLContext?
        if tls {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            sslContext = try NIOSSLContext(configuration: configuration)
        } else {
            sslContext = nil
        }
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: sslContext, serverHostname: nil)
                        )
                    }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            let connection = TestHTTPConnection(
                iterator: inbound.makeAsyncIterator(),
                outbound: outbound,
                channel: channel.channel
            )
            return try await body(connection)
        }
    }

    /// Sends raw bytes.
    public func send(_ bytes: [UInt8]) async throws {
        try await outbound.write(ByteBuffer(bytes: bytes))
    }

    /// Sends raw text (UTF-8).
    public func send(_ text: String) async throws {
        try await send(Array(text.utf8))
    }

    /// Reads the next final response (skipping `100 Continue`), or nil if the server closed the
    /// connection first. Throws `TestClientError.timedOut` after `timeout`. The answer to a `HEAD` request
    /// (`toHEAD`) has no body whatever its `Content-Length` says.
    public func readResponse(timeout: Duration = .seconds(10), toHEAD: Bool = false) async throws
        -> TestHTTPResponse?
    {
        while true {
            guard let response = try await readAnyResponse(timeout: timeout, toHEAD: toHEAD) else { return nil }
            if response.status >= 200 { return response }
        }
    }

    /// Waits until the server closes the connection (true) or `timeout` passes (false); any bytes
    /// received meanwhile are discarded.
    public func waitForClose(timeout: Duration) async throws -> Bool {
        do {
            while try await nextBytes(timeout: timeout) != nil {}
            return true
        } catch TestClientError.timedOut {
            return false
        }
    }

    private func readAnyResponse(timeout: Duration, toHEAD: Bool) async throws -> TestHTTPResponse? {
        var headEnd = Self.find([13, 10, 13, 10], in: buffer)
        while headEnd == nil {
            guard let bytes = try await nextBytes(timeout: timeout) else {
                if buffer.isEmpty { return nil }
                throw TestClientError.malformedResponse("connection closed inside a response head")
            }
            buffer += bytes
            headEnd = Self.find([13, 10, 13, 10], in: buffer)
        }
        guard let headEnd else { return nil }
        let headText = String(decoding: buffer[..<headEnd], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let statusParts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw TestClientError.malformedResponse("bad status line: \(statusLine)")
        }
        let headers = lines.compactMap { line -> HTTPHeaderField? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            return HTTPHeaderField(name: String(line[..<colon]), value: value)
        }
        buffer.removeFirst(headEnd + 4)
        let length = toHEAD || status < 200 || status == 204 || status == 304
            ? 0 : Int(headers.first(named: "Content-Length") ?? "") ?? 0
        while buffer.count < length {
            guard let bytes = try await nextBytes(timeout: timeout) else {
                throw TestClientError.malformedResponse("connection closed inside a response body")
            }
            buffer += bytes
        }
        let body = Array(buffer[..<length])
        buffer.removeFirst(length)
        let reason = statusParts.count > 2 ? String(statusParts[2]) : ""
        return TestHTTPResponse(status: status, reason: reason, headers: headers, body: body)
    }

    private func nextBytes(timeout: Duration) async throws -> [UInt8]? {
        if closed { return nil }
        let timedOut = NIOLockedValueBox(false)
        let channel = self.channel
        let timer = channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000
            + timeout.components.attoseconds / 1_000_000_000)) {
            timedOut.withLockedValue { $0 = true }
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        do {
            guard let chunk = try await iterator.next() else {
                closed = true
                if timedOut.withLockedValue({ $0 }) { throw TestClientError.timedOut }
                return nil
            }
            return Array(chunk.readableBytesView)
        } catch let error as TestClientError {
            throw error
        } catch {
            closed = true
            if timedOut.withLockedValue({ $0 }) { throw TestClientError.timedOut }
            return nil  // reset by peer counts as closed
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count)
        where haystack[start..<start + needle.count].elementsEqual(needle) {
            return start
        }
        return nil
    }

    /// Builds a request's bytes with `Host` and `Content-Length` added.
    public static func request(
        _ method: String = "POST",
        path: String = "/wsman",
        headers: [(String, String)] = [],
        body: [UInt8] = []
    ) -> [UInt8] {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        text += "Content-Length: \(body.count)\r\n\r\n"
        return Array(text.utf8) + body
    }

    /// The `Authorization` value for Basic with `user` and `password`.
    public static func basicAuthorization(_ user: String, _ password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }
}

/// Failures of the test client.
public enum TestClientError: Error, Equatable {
    /// Nothing arrived within the timeout.
    case timedOut
    /// The server sent something that is not an HTTP/1.1 response.
    case malformedResponse(String)
}
