import CLibXML2

/// Names of a parser context as Swift strings, made once per name: libxml2 interns every element and attribute
/// name and every namespace URI in the context's dictionary, so one pointer always means one string for as long
/// as that dictionary lives (as long as the context; entries are never removed).
///
/// A direct-mapped cache: a name whose slot another name took is simply made again, so the table stays the
/// same size whatever the documents.
struct NameTable {
    private var dictionary: xmlDictPtr?
    private var slots: [(name: UnsafePointer<xmlChar>?, string: String)]
    private static let slotBits = 8

    init() {
        slots = Array(repeating: (nil, ""), count: 1 << Self.slotBits)
    }

    /// Forgets every name when the context's dictionary is not the one the names came from.
    mutating func adopt(_ dictionary: xmlDictPtr?) {
        guard dictionary != self.dictionary else { return }
        self.dictionary = dictionary
        for index in slots.indices { slots[index] = (nil, "") }
    }

    /// The string of an interned name from the adopted dictionary.
    mutating func string(_ name: UnsafePointer<xmlChar>) -> String {
        let hash = UInt64(UInt(bitPattern: name)) &* 0x9E37_79B9_7F4A_7C15
        let slot = Int(truncatingIfNeeded: hash >> (64 - UInt64(Self.slotBits)))
        if slots[slot].name == name { return slots[slot].string }
        let string = String(cString: name)
        // Only a pointer the dictionary owns stays valid and unchanged until the dictionary goes.
        if let dictionary, xmlDictOwns(dictionary, name) == 1 { slots[slot] = (name, string) }
        return string
    }
}
