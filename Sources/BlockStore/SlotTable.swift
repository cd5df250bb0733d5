/// Reference counts of data-file slots, and the free slots ready for reuse.
///
/// A slot freed while a reader or a stream may still be reading it (a "pin" older than the free) is held
/// back until that pin is released, so producing a stream never blocks writes and never reads reused data.
struct SlotTable: Sendable {
    private var references: [UInt16] = []
    private var free: [UInt32] = []
    private var held: [(generation: UInt64, slot: UInt32)] = []
    private var pins: [UInt64: Int] = [:]
    private var generation: UInt64 = 1
    private(set) var slotCount: UInt32

    /// Builds the table from every map that references slots; unreferenced slots below `slotCount` are free.
    init(slotCount: UInt32, maps: [[BlockRef]]) {
        self.slotCount = slotCount
        references = Array(repeating: 0, count: Int(slotCount) + 1)
        for map in maps { for ref in map where ref.slot != 0 { references[Int(ref.slot)] &+= 1 } }
        for slot in stride(from: slotCount, through: 1, by: -1) where references[Int(slot)] == 0 {
            free.append(slot)
        }
    }

    var freeSlots: [UInt32] { free }

    mutating func retain(_ slot: UInt32) {
        guard slot != 0 else { return }
        grow(to: slot)
        references[Int(slot)] &+= 1
    }

    mutating func release(_ slot: UInt32) {
        guard slot != 0, Int(slot) < references.count, references[Int(slot)] > 0 else { return }
        references[Int(slot)] -= 1
        if references[Int(slot)] == 0 { held.append((generation, slot)) }
    }

    /// A slot nobody references, for new data. The caller must `retain` it (via a journal record) or `abandon` it.
    mutating func allocate() -> UInt32 {
        reclaim()
        if let slot = free.popLast() {
            references[Int(slot)] = 0
            return slot
        }
        slotCount += 1
        grow(to: slotCount)
        return slotCount
    }

    /// Gives back an allocated slot that was never made visible.
    mutating func abandon(_ slot: UInt32) {
        guard slot != 0, Int(slot) < references.count, references[Int(slot)] == 0 else { return }
        free.append(slot)
    }

    mutating func pin() -> UInt64 {
        generation += 1
        pins[generation, default: 0] += 1
        return generation
    }

    mutating func unpin(_ token: UInt64) {
        guard let n = pins[token] else { return }
        if n <= 1 { pins[token] = nil } else { pins[token] = n - 1 }
    }

    private mutating func reclaim() {
        guard !held.isEmpty else { return }
        let oldestPin = pins.keys.min() ?? UInt64.max
        var kept: [(generation: UInt64, slot: UInt32)] = []
        for h in held {
            if h.generation < oldestPin, references[Int(h.slot)] == 0 { free.append(h.slot) } else if
                references[Int(h.slot)] == 0 { kept.append(h) }
        }
        held = kept
    }

    private mutating func grow(to slot: UInt32) {
        if Int(slot) >= references.count {
            references.append(contentsOf: repeatElement(0, count: Int(slot) + 1 - references.count))
        }
        slotCount = max(slotCount, slot)
    }
}
