import CIM
import Foundation

/// Class resource URIs already resolved against the (immutable) schema: the namespace and the schema's
/// spelling of the class, by resource URI text and `__cimnamespace` selector. Clients repeat the same few
/// URIs, and parsing one and looking up its namespace and class costs more than the look-up here.
///
/// Only successful resolutions are kept, at most `capacity` of them (then the cache starts over), so
/// hostile requests with ever-new URIs cost memory for `capacity` entries only.
final class ClassResourceCache: @unchecked Sendable {
    struct Key: Hashable {
        var resourceURI: String
        var cimNamespace: String?
    }

    private let lock = NSLock()
    private var entries: [Key: (CIMNamespace, String)] = [:]
    private let capacity: Int

    init(capacity: Int = 256) {
        self.capacity = capacity
    }

    subscript(key: Key) -> (CIMNamespace, String)? {
        lock.withLock { entries[key] }
    }

    func insert(_ resolved: (CIMNamespace, String), for key: Key) {
        lock.withLock {
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = resolved
        }
    }
}
