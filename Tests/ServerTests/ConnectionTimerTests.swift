import NIOCore
import NIOEmbedded
import Testing

@testable import Server

@Suite("Connection timer on a virtual clock")
struct ConnectionTimerTests {
    /// A timer on its own event loop, with the count of its expiries.
    private final class Harness {
        let loop = EmbeddedEventLoop()
        var expiries = 0
        private(set) var timer: ConnectionTimer!

        init() {
            let timeouts = ConnectionTimeouts(idleTimeout: .seconds(120), readTimeout: .seconds(30))
            timer = ConnectionTimer(timeouts: timeouts, eventLoop: loop) { [unowned self] in expiries += 1 }
            timer.connectionOpened()
        }

        /// A request part as the connection handler reports it: the part, then the read's completion.
        func head() {
            timer.requestHeadReceived(streaming: false)
            timer.bytesReceived()
        }

        func end() {
            timer.requestEndReceived()
            timer.bytesReceived()
        }

        func advance(seconds: Int64) { loop.advanceTime(by: .seconds(seconds)) }

        /// Passes `quiet` seconds without an expiry, then `more` to one.
        func expectExpiry(after quiet: Int64, within more: Int64, sourceLocation: SourceLocation = #_sourceLocation) {
            let before = expiries
            advance(seconds: quiet)
            #expect(expiries == before, sourceLocation: sourceLocation)
            advance(seconds: more)
            #expect(expiries == before + 1, sourceLocation: sourceLocation)
        }
    }

    @Test("an idle connection expires at the idle timeout, not before, and only once")
    func idle() {
        let harness = Harness()
        harness.expectExpiry(after: 119, within: 2)
        harness.advance(seconds: 1000)
        #expect(harness.expiries == 1)
    }

    @Test("after many requests, read and idle deadlines still count from the latest event; serving has none")
    func manyRequests() {
        let harness = Harness()
        for _ in 0..<5 {
            harness.advance(seconds: 100)
            harness.head()
            harness.advance(seconds: 20)
            harness.end()
            harness.advance(seconds: 500)
            #expect(harness.expiries == 0)
            harness.timer.responseSent()
        }
        harness.advance(seconds: 119)
        #expect(harness.expiries == 0)
        harness.head()
        harness.expectExpiry(after: 29, within: 2)
    }

    @Test("a pipelined request is timed from the end of the response before it, as if delivered then")
    func pipelined() {
        let harness = Harness()
        harness.head()
        harness.end()
        harness.head()
        harness.end()
        harness.head()
        harness.advance(seconds: 500)
        #expect(harness.expiries == 0)
        harness.timer.responseSent()
        harness.advance(seconds: 500)
        #expect(harness.expiries == 0)
        harness.timer.responseSent()
        harness.expectExpiry(after: 29, within: 2)
    }

    @Test("a streaming request's body is not timed; the idle timeout runs again after its response")
    func streaming() {
        let harness = Harness()
        harness.timer.requestHeadReceived(streaming: true)
        harness.advance(seconds: 1000)
        #expect(harness.expiries == 0)
        harness.timer.requestEndReceived()
        harness.timer.responseSent()
        harness.expectExpiry(after: 119, within: 2)
    }

    @Test("a stopped timer never expires")
    func stopped() {
        let harness = Harness()
        harness.head()
        harness.timer.stop()
        harness.advance(seconds: 1000)
        #expect(harness.expiries == 0)
    }
}
