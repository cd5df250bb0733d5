import NIOConcurrencyHelpers

/// The nonces of recently accepted signed requests, to refuse a replay. A nonce is remembered for as long as its
/// timestamp is acceptable at all (the clock skew window on both sides), then forgotten.
final class PeerNonceCache: Sendable {
    private struct State {
        var seen: [String: Int64] = [:]
        var lastPruned: Int64 = 0
    }

    private let window: Int64
    private let capacity: Int
    private let state = NIOLockedValueBox(State())

    /// - Parameters:
    ///   - window: the accepted clock skew in seconds; nonces are kept for twice as long.
    ///   - capacity: the most nonces kept; beyond it new requests are refused until old nonces expire.
    init(window: Int64, capacity: Int = 1_000_000) {
        self.window = window
        self.capacity = capacity
    }

    /// Records `nonce` of a request signed at `timestamp`; false when it was seen already (a replay) or the cache
    /// is full.
    func admit(_ nonce: String, timestamp: Int64, now: Int64) -> Bool {
        state.withLockedValue { state in
            if now - state.lastPruned >= window || state.seen.count >= capacity {
                state.seen = state.seen.filter { $0.value >= now - 2 * window }
                state.lastPruned = now
            }
            guard state.seen[nonce] == nil, state.seen.count < capacity else { return false }
            state.seen[nonce] = timestamp
            return true
        }
    }
}
