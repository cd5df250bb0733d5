import CLibXML2
import Synchronization

/// libxml2 parser contexts kept between parses: creating one (its input, node and name stacks, its name
/// dictionary) and freeing it cost about as much as parsing a small envelope.
///
/// A context goes back to the pool only after a parse that met no error, and only while its dictionary (which
/// keeps every element and attribute name it has seen) is small, so hostile documents with ever-new names
/// cannot make a pooled context grow; at most `capacity` contexts are kept.
@available(macOS 15.0, *)
final class ParserContextPool: Sendable {
    /// A context that is in no other thread's hands.
    private struct Context: @unchecked Sendable {
        let pointer: xmlParserCtxtPtr
    }

    static let shared = ParserContextPool(capacity: 8, maxDictionaryNames: 4096)

    private let idle = Mutex<[Context]>([])
    private let capacity: Int
    private let maxDictionaryNames: Int

    init(capacity: Int, maxDictionaryNames: Int) {
        self.capacity = capacity
        self.maxDictionaryNames = maxDictionaryNames
    }

    /// An idle context, or a new one; nil when libxml2 cannot allocate one.
    func take() -> xmlParserCtxtPtr? {
        if let context = idle.withLock({ $0.popLast() }) { return context.pointer }
        return xmlNewParserCtxt()
    }

    /// Gives a context back after a clean parse, or frees it.
    func give(_ context: xmlParserCtxtPtr, reusable: Bool) {
        let small = context.pointee.dict.map { Int(xmlDictSize($0)) <= maxDictionaryNames } ?? true
        if reusable, small {
            context.pointee._private = nil
            let kept = idle.withLock { idle -> Bool in
                guard idle.count < capacity else { return false }
                idle.append(Context(pointer: context))
                return true
            }
            if kept { return }
        }
        xmlFreeParserCtxt(context)
    }

    deinit {
        for context in idle.withLock({ $0 }) { xmlFreeParserCtxt(context.pointer) }
    }
}
