import CIM
import Foundation

/// The instance provider of each class, remembered once looked up: the registry and schema never change under an
/// object manager, and the superclass walk the registry does is otherwise repeated on every request.
final class InstanceProviderCache: @unchecked Sendable {
    private struct Key: Hashable {
        var namespace: CIMNamespace
        /// As the caller spelled it (callers pass the schema's spelling, so each class has one entry).
        var className: String
    }

    /// A class's provider, and the same provider when it answers without suspending (the cast is made once).
    struct Entry {
        var provider: any InstanceProvider
        var immediate: (any ImmediateInstanceProvider)?

        init(_ provider: any InstanceProvider) {
            self.provider = provider
            self.immediate = provider as? any ImmediateInstanceProvider
        }
    }

    /// More entries than any schema has classes means callers are not passing schema spellings: stop caching.
    private static let capacity = 16_384
    private let lock = NSLock()
    private var entries: [Key: Entry] = [:]

    /// The cached provider for `className`, or `lookup()`'s answer, remembered.
    func provider(
        for className: String, in namespace: CIMNamespace, lookup: () -> any InstanceProvider
    ) -> Entry {
        let key = Key(namespace: namespace, className: className)
        if let cached = lock.withLock({ entries[key] }) { return cached }
        let entry = Entry(lookup())
        lock.withLock {
            if entries.count < Self.capacity { entries[key] = entry }
        }
        return entry
    }
}
