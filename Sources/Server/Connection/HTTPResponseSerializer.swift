import NIOCore
import NIOHTTP1

/// Writes HTTP/1.1 responses into one buffer each: status line, headers, body.
///
/// The server's responses are always whole (`WSManHTTPResponse`) and framed by `Content-Length`, so one buffer and
/// one write per response replace NIO's encoder with its head, body and end parts, each passed through the pipeline.
enum HTTPResponseSerializer {
    /// The server's answer to bytes that are not HTTP: nothing more will be read from the connection.
    static let badRequest = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"

    /// `response` with `Server`, `Content-Length` and, without keep-alive, `Connection: close`. The answer to a
    /// `HEAD` request carries the headers a `GET` would have and no body (RFC 9110 §9.3.2).
    static func serialize(
        _ response: WSManHTTPResponse, server: String, keepAlive: Bool, omitBody: Bool,
        allocator: ByteBufferAllocator
    ) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 256 + response.body.count)
        buffer.writeStaticString("HTTP/1.1 ")
        buffer.writeString(String(response.status))
        buffer.writeStaticString(" ")
        buffer.writeString(HTTPResponseStatus(statusCode: response.status).reasonPhrase)
        buffer.writeStaticString("\r\n")
        write("Server", server, into: &buffer)
        if let contentType = response.contentType { write("Content-Type", contentType, into: &buffer) }
        for field in response.headers { write(field.name, field.value, into: &buffer) }
        write("Content-Length", String(response.body.count), into: &buffer)
        if !keepAlive { write("Connection", "close", into: &buffer) }
        buffer.writeStaticString("\r\n")
        if !omitBody { buffer.writeBytes(response.body) }
        return buffer
    }

    /// `100 Continue` in the request's HTTP version.
    static func interimContinue(_ version: HTTPVersion, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 32)
        buffer.writeString("HTTP/\(version.major).\(version.minor) 100 Continue\r\n\r\n")
        return buffer
    }

    private static func write(_ name: String, _ value: String, into buffer: inout ByteBuffer) {
        buffer.writeString(name)
        buffer.writeStaticString(": ")
        buffer.writeString(value)
        buffer.writeStaticString("\r\n")
    }
}
