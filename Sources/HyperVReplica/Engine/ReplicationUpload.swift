import BlockStore

/// A replication stream as an upload body: the producer's chunks, reporting each chunk's size as it goes so a
/// job's `PercentComplete` follows the bytes moved.
struct ReplicationUpload: AsyncSequence, Sendable {
    typealias Element = [UInt8]

    let producer: ReplicationStreamProducer
    let sent: @Sendable (Int) -> Void

    struct AsyncIterator: AsyncIteratorProtocol {
        let producer: ReplicationStreamProducer
        let sent: @Sendable (Int) -> Void

        mutating func next() async throws -> [UInt8]? {
            guard let chunk = try producer.nextChunk() else { return nil }
            sent(chunk.count)
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(producer: producer, sent: sent) }
}
