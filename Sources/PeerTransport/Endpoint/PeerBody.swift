import NIOCore
import Server

/// An uploaded body as chunks, in order, read with back-pressure: the caller's upload advances only as fast as
/// the handler reads, so a large stream needs memory for a few buffers only.
///
/// It can be iterated once; it throws `PeerError.protocolError` if the caller's connection drops mid-body. What
/// the handler leaves unread is discarded.
public struct PeerBody: AsyncSequence {
    public typealias Element = [UInt8]

    private enum Storage {
        case request(leftover: [UInt8], rest: HTTPRequestBody.AsyncIterator)
        case chunks([[UInt8]])
    }

    private let storage: Storage

    /// A body made of `chunks` (for handlers called without HTTP, e.g. in tests).
    public init(chunks: [[UInt8]] = []) {
        storage = .chunks(chunks)
    }

    /// The rest of a request body: `leftover` (bytes already read past the parameters), then `rest`.
    init(leftover: [UInt8], rest: HTTPRequestBody.AsyncIterator) {
        storage = .request(leftover: leftover, rest: rest)
    }

    public func makeAsyncIterator() -> AsyncIterator {
        switch storage {
        case .request(let leftover, let rest):
            AsyncIterator(pending: leftover.isEmpty ? [] : [leftover], rest: rest)
        case .chunks(let chunks):
            AsyncIterator(pending: chunks.reversed().filter { !$0.isEmpty }, rest: nil)
        }
    }

    /// Calls `body` with each chunk in order, without copying it out of the transport's buffers (the bytes are
    /// valid only during the call). The same rules as iterating apply: once, and a dropped connection throws
    /// `PeerError.protocolError`.
    public func forEachChunk(_ body: (UnsafeRawBufferPointer) throws -> Void) async throws {
        switch storage {
        case .chunks(let chunks):
            for chunk in chunks where !chunk.isEmpty { try chunk.withUnsafeBytes(body) }
        case .request(let leftover, var rest):
            if !leftover.isEmpty { try leftover.withUnsafeBytes(body) }
            while true {
                let buffer: ByteBuffer?
                do {
                    buffer = try await rest.next()
                } catch {
                    throw PeerError.protocolError("the upload ended before its end: \(error)")
                }
                guard let buffer else { return }
                if buffer.readableBytes > 0 { try buffer.withUnsafeReadableBytes(body) }
            }
        }
    }

    /// Iterates the chunks.
    public struct AsyncIterator: AsyncIteratorProtocol {
        /// Chunks to hand out before reading on, last first.
        private var pending: [[UInt8]]
        private var rest: HTTPRequestBody.AsyncIterator?

        fileprivate init(pending: [[UInt8]], rest: HTTPRequestBody.AsyncIterator?) {
            self.pending = pending
            self.rest = rest
        }

        public mutating func next() async throws -> [UInt8]? {
            if let chunk = pending.popLast() { return chunk }
            guard rest != nil else { return nil }
            do {
                while let buffer = try await rest?.next() {
                    if buffer.readableBytes > 0 { return Array(buffer.readableBytesView) }
                }
            } catch {
                rest = nil
                throw PeerError.protocolError("the upload ended before its end: \(error)")
            }
            rest = nil
            return nil
        }
    }
}
