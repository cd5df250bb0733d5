import CIM
import Foundation
import WSMan

/// The last encodings of the instances Gets returned, reused while an instance is unchanged.
///
/// Automation polls the same objects (a service, a VM's state, a job) over and over; converting an instance
/// to wire values and escaping it into XML costs more than the rest of a Get. An encoding is reused only for
/// an instance equal, property for property, to the one that was encoded: the encoding is a function of the
/// instance, the namespace, the (immutable) schema and the prefix style, all in the key or compared, so a
/// changed instance is always encoded anew. Equality is cheap for stored instances, whose property storage
/// the memo's copy shares; the key leaves the object path out because hashing one costs what encoding saves.
///
/// At most `perClass` instances of each of at most `classes` classes are kept (then the memo starts over),
/// each at most `maxEntryBytes` long, so a client walking many large instances costs bounded memory.
final class RenderedInstanceMemo: @unchecked Sendable {
    private struct Key: Hashable {
        var namespace: CIMNamespace
        var className: String
        var style: WSManResponseEncoder.PrefixStyle
    }

    private struct Entry {
        var instance: CIMInstance
        var encoded: EncodedInstance
    }

    private let lock = NSLock()
    private var entries: [Key: [Entry]] = [:]
    private let classes: Int
    private let perClass: Int
    private let maxEntryBytes: Int

    init(classes: Int = 128, perClass: Int = 16, maxEntryBytes: Int = 64 * 1024) {
        self.classes = classes
        self.perClass = perClass
        self.maxEntryBytes = maxEntryBytes
    }

    /// The encoding of `instance` of `namespace`, from the memo or made by `encode`.
    func encoded(
        _ instance: CIMInstance, in namespace: CIMNamespace, encoder: WSManResponseEncoder,
        encode: (CIMInstance) -> WSManInstance
    ) -> EncodedInstance {
        let key = Key(namespace: namespace, className: instance.className, style: encoder.style)
        let candidates = lock.withLock { entries[key] } ?? []
        if let entry = candidates.first(where: { $0.instance == instance }) {
            return entry.encoded
        }
        let encoded = encoder.encode(encode(instance))
        guard encoded.bytes.count <= maxEntryBytes else { return encoded }
        lock.withLock {
            if entries.count >= classes, entries[key] == nil { entries.removeAll(keepingCapacity: true) }
            var list = entries[key] ?? []
            if list.count >= perClass { list.removeFirst() }
            list.append(Entry(instance: instance, encoded: encoded))
            entries[key] = list
        }
        return encoded
    }

    /// How many instances the memo holds.
    var count: Int { lock.withLock { entries.values.reduce(0) { $0 + $1.count } } }
}
