import Foundation
import Providers
import Testing

@Suite("Lab clocks")
struct LabClockTests {
    @Test("A manual clock wakes a sleeper only when advanced past its deadline")
    func manualClockWakesSleepers() async throws {
        let clock = ManualLabClock()
        let start = clock.now()
        let woke = Flag()
        let sleeper = Task {
            try await clock.sleep(seconds: 300)
            woke.set()
        }
        while clock.sleeperCount == 0 { await Task.yield() }
        clock.advance(seconds: 299)
        #expect(clock.sleeperCount == 1)
        #expect(!woke.isSet)
        clock.advance(seconds: 1)
        try await sleeper.value
        #expect(woke.isSet)
        #expect(clock.sleeperCount == 0)
        #expect(clock.now().timeIntervalSince(start) == 300)
    }

    @Test("Sleeping for no time returns at once")
    func zeroSleep() async throws {
        let clock = ManualLabClock()
        try await clock.sleep(seconds: 0)
        #expect(clock.sleeperCount == 0)
    }

    @Test("A scaled clock runs faster than wall time and can be advanced")
    func scaledClock() {
        let origin = Date(timeIntervalSince1970: 1_000_000)
        let clock = ScaledLabClock(timeScale: 60, origin: origin)
        #expect(clock.timeScale == 60)
        clock.advance(seconds: 3600)
        let elapsed = clock.now().timeIntervalSince(origin)
        #expect(elapsed >= 3600 && elapsed < 3600 + 60 * 5)
        #expect(ScaledLabClock(timeScale: 0).timeScale == 1)
    }
}

private final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
