import NIOCore

/// A streamed request body: the chunks of the body in order, as they arrive.
///
/// Reading is paced by the consumer (TCP back-pressure), so memory stays bounded whatever the body
/// size. The sequence can be iterated once; it throws if the connection drops mid-body.
public struct HTTPRequestBody: AsyncSequence {
    public typealias Element = ByteBuffer

    private let source: RequestPartSource

    init(source: RequestPartSource) {
        self.source = source
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(source: source)
    }

    /// Iterates the body chunks.
    public struct AsyncIterator: AsyncIteratorProtocol {
        fileprivate let source: RequestPartSource

        public mutating func next() async throws -> ByteBuffer? {
            try await source.nextBodyChunk()
        }
    }
}
