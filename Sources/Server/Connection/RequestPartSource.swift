import NIOCore
import NIOHTTP1

/// The request parts of one connection, read one at a time by that connection's task.
///
/// A class because a streaming endpoint's `HTTPRequestBody` and the connection loop read from the same
/// iterator in turn; it never leaves the connection's task.
final class RequestPartSource {
    private var iterator: NIOAsyncChannelInboundStream<HTTPServerRequestPart>.AsyncIterator
    /// Whether the current request's `.end` has been read.
    private(set) var bodyFinished = true

    init(_ inbound: NIOAsyncChannelInboundStream<HTTPServerRequestPart>) {
        self.iterator = inbound.makeAsyncIterator()
    }

    /// The next request head, or nil when the connection ended. Stray body parts are skipped.
    func nextHead() async throws -> HTTPRequestHead? {
        while let part = try await iterator.next() {
            if case .head(let head) = part {
                bodyFinished = false
                return head
            }
        }
        return nil
    }

    /// The next chunk of the current request's body, or nil at its end.
    func nextBodyChunk() async throws -> ByteBuffer? {
        while !bodyFinished {
            guard let part = try await iterator.next() else {
                bodyFinished = true
                throw ConnectionClosedError()
            }
            switch part {
            case .body(let buffer): return buffer
            case .end: bodyFinished = true
            case .head: throw ConnectionClosedError()  // the decoder never does this mid-body
            }
        }
        return nil
    }

    /// Reads and discards the rest of the current request's body.
    func discardBody() async throws {
        while try await nextBodyChunk() != nil {}
    }
}

/// The connection ended in the middle of a request.
struct ConnectionClosedError: Error {}
