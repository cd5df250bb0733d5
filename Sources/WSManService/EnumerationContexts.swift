import Foundation
import WSMan

/// The open enumerations of the server: what each context has left to hand out, and when it was last used.
///
/// A context lives until its last item is pulled, it is released, or it has been idle for `idleExpiry`
/// (Windows' `EnumerationTimeoutms`, 240 s by default); expired contexts are dropped on the next access.
actor EnumerationContexts {
    /// One answer: the items to send and the context to continue with (nil when the sequence has ended).
    struct Page {
        var items: [EnumerationItem]
        var context: String?
    }

    private struct Entry {
        var remaining: ArraySlice<EnumerationItem>
        var owner: String?
        var lastUsed: Date
    }

    private let idleExpiry: TimeInterval
    private let now: @Sendable () -> Date
    private var entries: [String: Entry] = [:]

    init(idleExpiry: TimeInterval, now: @escaping @Sendable () -> Date = Date.init) {
        self.idleExpiry = idleExpiry
        self.now = now
    }

    /// Opens an enumeration over `items`, handing out the first `firstPage` at once (optimized enumeration).
    /// A non-optimized enumeration (`firstPage` 0) always gets a context, even over nothing.
    func open(_ items: [EnumerationItem], owner: String?, firstPage: Int) -> Page {
        expire()
        let first = Array(items.prefix(firstPage))
        let rest = items.dropFirst(first.count)
        if firstPage > 0 && rest.isEmpty { return Page(items: first, context: nil) }
        let id = "uuid:" + UUID().uuidString
        entries[id] = Entry(remaining: rest, owner: owner, lastUsed: now())
        return Page(items: first, context: id)
    }

    /// The next `maxElements` items of a context; nil for an unknown or expired context.
    func pull(_ id: String, maxElements: Int) -> Page? {
        expire()
        guard var entry = entries[id] else { return nil }
        let items = Array(entry.remaining.prefix(max(1, maxElements)))
        entry.remaining = entry.remaining.dropFirst(items.count)
        if entry.remaining.isEmpty {
            entries[id] = nil
            return Page(items: items, context: nil)
        }
        entry.lastUsed = now()
        entries[id] = entry
        return Page(items: items, context: id)
    }

    /// Forgets a context; false when it was unknown.
    func release(_ id: String) -> Bool {
        expire()
        return entries.removeValue(forKey: id) != nil
    }

    var count: Int { entries.count }

    private func expire() {
        let cutoff = now().addingTimeInterval(-idleExpiry)
        entries = entries.filter { $0.value.lastUsed >= cutoff }
    }
}
