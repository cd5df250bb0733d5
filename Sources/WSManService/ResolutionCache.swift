import Foundation

/// Answers already worked out against the (immutable) schema, by the request text they were worked out from:
/// a class resource URI's namespace and class, the instance path a resource URI and its selectors name.
/// Clients repeat the same few requests, and parsing and checking them costs more than the look-up here.
///
/// Only successful resolutions are kept, at most `capacity` of them (then the cache starts over), so hostile
/// requests with ever-new text cost memory for `capacity` entries only.
final class ResolutionCache<Key: Hashable, Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [Key: Value] = [:]
    private let capacity: Int

    init(capacity: Int = 256) {
        self.capacity = capacity
    }

    subscript(key: Key) -> Value? {
        lock.withLock { entries[key] }
    }

    func insert(_ resolved: Value, for key: Key) {
        lock.withLock {
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = resolved
        }
    }
}
