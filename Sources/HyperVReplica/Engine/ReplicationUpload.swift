import BlockStore
import NIOCore

/// A replication stream as an upload body: the producer writes each chunk straight into the `ByteBuffer` that
/// is sent, and `chunkSent` is called after each so a job's `PercentComplete` follows the blocks moved.
///
/// A chunk is handed to the transport while the producer is still digesting it (`nextChunk(retaining:)`), so
/// two buffers take turns: the one filled next held the chunk before last, whose digest is done by then, and
/// which the transport has written (the next chunk is asked for only once the previous one is). Clearing it
/// reuses its storage when nothing else holds it any more, else `ByteBuffer` gives it new storage.
struct ReplicationUpload: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    /// Bytes per chunk: large enough that the per-chunk cost of the transport is small, small enough to stay
    /// in the cache while it is digested and written.
    static let chunkSize = 1 << 20

    let producer: ReplicationStreamProducer
    let chunkSent: @Sendable () -> Void

    struct AsyncIterator: AsyncIteratorProtocol {
        let buffers: ChunkBuffers
        let chunkSent: @Sendable () -> Void

        mutating func next() async throws -> ByteBuffer? {
            guard let chunk = try buffers.next() else { return nil }
            chunkSent()
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(buffers: ChunkBuffers(producer: producer), chunkSent: chunkSent)
    }

    /// The two buffers, kept until the producer's digest is done with them.
    final class ChunkBuffers {
        private let producer: ReplicationStreamProducer
        private var buffers: [ByteBuffer?] = [nil, nil]
        private var turn = 0

        init(producer: ReplicationStreamProducer) { self.producer = producer }

        deinit { producer.waitForDigest() }

        func next() throws -> ByteBuffer? {
            let size = Swift.max(ReplicationUpload.chunkSize, producer.minimumChunkCapacity)
            var chunk = buffers[turn] ?? ByteBufferAllocator().buffer(capacity: size)
            buffers[turn] = nil
            chunk.clear()
            let producer = producer
            let written = try chunk.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { space in
                try producer.nextChunk(retaining: UnsafeMutableRawBufferPointer(rebasing: space.prefix(size)))
            }
            guard written > 0 else { return nil }
            buffers[turn] = chunk
            turn = 1 - turn
            return chunk
        }
    }
}
