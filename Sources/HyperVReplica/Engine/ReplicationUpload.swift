import BlockStore
import NIOCore

/// A replication stream as an upload body: the producer writes each chunk straight into the `ByteBuffer` that
/// is sent, and `chunkSent` is called after each so a job's `PercentComplete` follows the blocks moved.
///
/// The transport asks for the next chunk only once the previous one is written to the connection; the buffer
/// handed out last is cleared and filled again, which reuses its storage when nothing else holds it any more
/// (else `ByteBuffer` gives it new storage, so a chunk in flight is never overwritten).
struct ReplicationUpload: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    /// Bytes per chunk: large enough that the per-chunk cost of the transport is small, small enough to stay
    /// in the cache while it is digested and written.
    static let chunkSize = 1 << 20

    let producer: ReplicationStreamProducer
    let chunkSent: @Sendable () -> Void

    struct AsyncIterator: AsyncIteratorProtocol {
        let producer: ReplicationStreamProducer
        let chunkSent: @Sendable () -> Void
        /// The buffer handed out last, kept to be reused.
        var buffer: ByteBuffer?

        mutating func next() async throws -> ByteBuffer? {
            let size = Swift.max(ReplicationUpload.chunkSize, producer.minimumChunkCapacity)
            var chunk = buffer ?? ByteBufferAllocator().buffer(capacity: size)
            buffer = nil
            chunk.clear()
            let producer = producer
            let written = try chunk.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { space in
                try producer.nextChunk(into: UnsafeMutableRawBufferPointer(rebasing: space.prefix(size)))
            }
            guard written > 0 else { return nil }
            buffer = chunk
            chunkSent()
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(producer: producer, chunkSent: chunkSent) }
}
