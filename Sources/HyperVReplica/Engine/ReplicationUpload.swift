import BlockStore

/// A replication stream as an upload body: the producer's chunks, calling `chunkSent` after each so a job's
/// `PercentComplete` follows the blocks moved.
struct ReplicationUpload: AsyncSequence, Sendable {
    typealias Element = [UInt8]

    let producer: ReplicationStreamProducer
    let chunkSent: @Sendable () -> Void

    struct AsyncIterator: AsyncIteratorProtocol {
        let producer: ReplicationStreamProducer
        let chunkSent: @Sendable () -> Void

        mutating func next() async throws -> [UInt8]? {
            guard let chunk = try producer.nextChunk() else { return nil }
            chunkSent()
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(producer: producer, chunkSent: chunkSent) }
}
