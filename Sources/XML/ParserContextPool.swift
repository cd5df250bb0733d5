import CLibXML2
import Foundation

/// libxml2 parser contexts kept between parses: creating one (its input, node and name stacks, its name
/// dictionary) and freeing it cost about as much as parsing a small envelope.
///
/// A context goes back to the pool only after a parse that met no error, and only while its dictionary (which
/// keeps every element and attribute name it has seen) is small, so hostile documents with ever-new names
/// cannot make a pooled context grow; at most `capacity` contexts are kept.
final class ParserContextPool: @unchecked Sendable {
    /// A context that is in no other thread's hands.
    struct Context: @unchecked Sendable {
        let pointer: xmlParserCtxtPtr
    }

    static let shared = ParserContextPool(capacity: 8, maxDictionaryNames: 4096)

    private let lock = NSLock()
    private var idle: [Context] = []
    private let capacity: Int
    private let maxDictionaryNames: Int

    init(capacity: Int, maxDictionaryNames: Int) {
        self.capacity = capacity
        self.maxDictionaryNames = maxDictionaryNames
    }

    /// An idle context, or a new one; nil when libxml2 cannot allocate one.
    func take() -> Context? {
        if let context = lock.withLock({ idle.popLast() }) { return context }
        return xmlNewParserCtxt().map(Context.init)
    }

    /// Gives a context back after a clean parse, or frees it.
    func give(_ context: Context, reusable: Bool) {
        let small = context.pointer.pointee.dict.map { Int(xmlDictSize($0)) <= maxDictionaryNames } ?? true
        if reusable, small {
            context.pointer.pointee._private = nil
            let kept = lock.withLock { () -> Bool in
                guard idle.count < capacity else { return false }
                idle.append(context)
                return true
            }
            if kept { return }
        }
        xmlFreeParserCtxt(context.pointer)
    }

    deinit {
        for context in idle { xmlFreeParserCtxt(context.pointer) }
    }
}
