import CLibXML2
import Synchronization

/// Parser contexts kept between parses: creating a context (its input, node and
/// name stacks, its name dictionary) and freeing it cost about as much as parsing a small envelope.
///
/// A context goes back to the pool only after a parse that met no error, and only while its dictionary (which
/// keeps every element and attribute name it has seen) is small, so hostile documents with ever-new names
/// cannot make a pooled context grow; at most `capacity` contexts are kept.
@available(macOS 15.0, *)
final class ParserContextPool: Sendable {
    static let shared = ParserContextPool(capacity: 8, maxDictionaryNames: 4096)

    private let idle = Mutex<[ParserContext]>([])
    private let capacity: Int
    private let maxDictionaryNames: Int

    init(capacity: Int, maxDictionaryNames: Int) {
        self.capacity = capacity
        self.maxDictionaryNames = maxDictionaryNames
    }

    /// An idle context, or a new one; nil when libxml2 cannot allocate a context.
    func take() -> ParserContext? {
        if let context = idle.withLock({ $0.popLast() }) { return context }
        return ParserContext()
    }

    /// Gives a context back after a clean parse; otherwise it (and its context) is freed.
    func give(_ context: ParserContext, reusable: Bool) {
        guard reusable, context.dictionarySize <= maxDictionaryNames else { return }
        idle.withLock { idle in
            if idle.count < capacity { idle.append(context) }
        }
    }

    /// How many contexts are idle (for tests).
    var idleCount: Int { idle.withLock { $0.count } }

    /// Whether this very context is idle in the pool (for tests).
    func holds(_ context: ParserContext) -> Bool {
        idle.withLock { $0.contains { $0 === context } }
    }
}
