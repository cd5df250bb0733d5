import BlockStore
import NIOCore

/// A replication stream as an upload body: the producer writes each chunk straight into the `ByteBuffer` that
/// is sent, and `chunkSent` is called after each so a job's `PercentComplete` follows the blocks moved.
///
/// Two buffers take turns: the one filled next held the chunk before last, which the transport has written (the
/// next chunk is asked for only once the previous one is), so clearing it reuses its storage; refilling the
/// chunk just sent would make `ByteBuffer` copy it while the transport still holds it.
struct ReplicationUpload: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    /// Bytes per chunk: large enough that the per-chunk cost of the transport is small, small enough to stay
    /// in the cache while it is written.
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

    /// The two buffers taking turns.
    final class ChunkBuffers {
        private let producer: ReplicationStreamProducer
        private var buffers: [ByteBuffer?] = [nil, nil]
        private var turn = 0

        init(producer: ReplicationStreamProducer) { self.producer = producer }

        func next() throws -> ByteBuffer? {
            let size = Swift.max(ReplicationUpload.chunkSize, producer.minimumChunkCapacity)
            var chunk = buffers[turn] ?? ByteBufferAllocator().buffer(capacity: size)
            buffers[turn] = nil
            chunk.clear()
            let producer = producer
            let written = try chunk.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { space in
                try producer.nextChunk(into: UnsafeMutableRawBufferPointer(rebasing: space.prefix(size)))
            }
            guard written > 0 else { return nil }
            buffers[turn] = chunk
            turn = 1 - turn
            return chunk
        }
    }
}
