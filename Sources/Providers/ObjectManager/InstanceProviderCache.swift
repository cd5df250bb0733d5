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

    /// More entries than any schema has classes means callers are not passing schema spellings: stop caching.
    private static let capacity = 16_384
    private let lock = NSLock()
    private var providers: [Key: any InstanceProvider] = [:]

    /// The cached provider for `className`, or `lookup()`'s answer, remembered.
    func provider(
        for className: String, in namespace: CIMNamespace, lookup: () -> any InstanceProvider
    ) -> any InstanceProvider {
        let key = Key(namespace: namespace, className: className)
        if let cached = lock.withLock({ providers[key] }) { return cached }
        let provider = lookup()
        lock.withLock {
            if providers.count < Self.capacity { providers[key] = provider }
        }
        return provider
    }
}
