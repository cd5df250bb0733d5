import NIOConcurrencyHelpers

/// Counts the operations each user has in progress, over all connections, against
/// `ServerLimits.maxConcurrentOperationsPerUser`.
final class OperationGate: Sendable {
    private let limit: Int
    private let counts = NIOLockedValueBox<[String: Int]>([:])

    init(limit: Int) {
        self.limit = limit
    }

    /// Takes a slot for `user` (a lower-cased account name; "" for anonymous), or returns false when the
    /// user is at the limit.
    func tryAcquire(_ user: String) -> Bool {
        counts.withLockedValue { counts in
            let current = counts[user, default: 0]
            guard current < limit else { return false }
            counts[user] = current + 1
            return true
        }
    }

    /// Gives back a slot taken by `tryAcquire`.
    func release(_ user: String) {
        counts.withLockedValue { counts in
            let remaining = counts[user, default: 1] - 1
            counts[user] = remaining > 0 ? remaining : nil
        }
    }

    /// Operations in progress for `user`.
    func inProgress(_ user: String) -> Int {
        counts.withLockedValue { $0[user, default: 0] }
    }
}
