import Testing

@testable import Server

@Suite("Connection timer state machine")
struct ConnectionTimeoutsTests {
    private func machine() -> ConnectionTimeouts {
        ConnectionTimeouts(idleTimeout: .seconds(120), readTimeout: .seconds(30))
    }

    @Test("a whole request in one read: read timer, then none while serving, then idle timer")
    func wholeRequest() {
        var timeouts = machine()
        #expect(timeouts.connectionOpened() == .schedule(.seconds(120)))
        #expect(timeouts.requestHeadReceived(streaming: false) == .schedule(.seconds(30)))
        #expect(timeouts.requestEndReceived() == .cancel)
        #expect(timeouts.bytesReceived() == .none)
        #expect(timeouts.timerFired() == .none)
        #expect(timeouts.state == .processing)
        #expect(timeouts.responseEndSent() == .schedule(.seconds(120)))
        #expect(timeouts.state == .idle)
    }

    @Test("a dribbled request keeps its first deadline: progress does not re-arm it")
    func slowloris() {
        var timeouts = machine()
        _ = timeouts.connectionOpened()
        #expect(timeouts.bytesReceived() == .schedule(.seconds(30)))
        #expect(timeouts.bytesReceived() == .none)
        #expect(timeouts.requestHeadReceived(streaming: false) == .none)
        #expect(timeouts.bytesReceived() == .none)
        #expect(timeouts.timerFired() == .close)
        #expect(timeouts.state == .closed)
        #expect(timeouts.responseEndSent() == .none)
    }

    @Test("an idle keep-alive connection is closed when its timer fires")
    func idle() {
        var timeouts = machine()
        _ = timeouts.connectionOpened()
        #expect(timeouts.timerFired() == .close)
    }

    @Test("a streaming route times only its head")
    func streaming() {
        var timeouts = machine()
        _ = timeouts.connectionOpened()
        #expect(timeouts.bytesReceived() == .schedule(.seconds(30)))
        #expect(timeouts.requestHeadReceived(streaming: true) == .cancel)
        #expect(timeouts.timerFired() == .none)
        #expect(timeouts.requestEndReceived() == .none)
        #expect(timeouts.responseEndSent() == .schedule(.seconds(120)))
        #expect(timeouts.requestHeadReceived(streaming: true) == .cancel)
    }
}
