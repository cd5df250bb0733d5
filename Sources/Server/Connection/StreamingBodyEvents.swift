import NIOCore

/// What the reader of a streamed body tells the connection, delivered on the connection's event loop: it wants
/// more (reading resumes), or it stopped reading (the rest of the body is discarded as it arrives).
struct StreamingBodyEvents: NIOAsyncSequenceProducerDelegate {
    enum Event {
        case demand
        case terminated
    }

    private let eventLoop: any EventLoop
    private let handle: @Sendable (Event) -> Void

    /// `handle` runs on `eventLoop`.
    init(eventLoop: any EventLoop, handle: @escaping @Sendable (Event) -> Void) {
        self.eventLoop = eventLoop
        self.handle = handle
    }

    func produceMore() {
        let handle = self.handle
        eventLoop.execute { handle(.demand) }
    }

    func didTerminate() {
        let handle = self.handle
        eventLoop.execute { handle(.terminated) }
    }
}
