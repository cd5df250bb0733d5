import NIOCore

/// A streamed request body: the chunks of the body in order, as they arrive.
///
/// Reading is paced by the consumer (TCP back-pressure), so memory stays bounded whatever the body
/// size. The sequence can be iterated once; it throws if the connection drops mid-body.
public struct HTTPRequestBody: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer

    typealias Producer = NIOThrowingAsyncSequenceProducer<
        ByteBuffer, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, StreamingBodyEvents
    >

    private let producer: Producer

    /// A body fed through the returned source; `events` hears when the reader wants more or stopped reading.
    static func make(events: StreamingBodyEvents) -> (HTTPRequestBody, StreamingBodySource) {
        let made = Producer.makeSequence(
            elementType: ByteBuffer.self,
            failureType: (any Error).self,
            backPressureStrategy: .init(lowWatermark: 2, highWatermark: 8),
            finishOnDeinit: false,
            delegate: events
        )
        return (HTTPRequestBody(producer: made.sequence), made.source)
    }

    private init(producer: Producer) {
        self.producer = producer
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: producer.makeAsyncIterator())
    }

    /// Iterates the body chunks.
    public struct AsyncIterator: AsyncIteratorProtocol {
        fileprivate let base: Producer.AsyncIterator

        public mutating func next() async throws -> ByteBuffer? {
            try await base.next()
        }
    }
}

/// Where the connection feeds a streamed body.
typealias StreamingBodySource = HTTPRequestBody.Producer.Source
