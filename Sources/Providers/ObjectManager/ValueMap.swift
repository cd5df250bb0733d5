import CIM

/// A `ValueMap` qualifier read as the set of integers it allows: single values (`"2"`, `"0x8000"`) and ranges
/// (`"4..7"`, `"0x8000.."`, `"..10"`, `".."`), per DSP0004 §5.6.3.55. Entries that are not integers are ignored.
struct ValueMap: Sendable {
    /// A signed 65-bit integer, so every sint64 and uint64 compares.
    struct Number: Comparable, Sendable {
        var negative: Bool
        var magnitude: UInt64

        init(negative: Bool, magnitude: UInt64) {
            self.negative = negative && magnitude != 0
            self.magnitude = magnitude
        }

        init?(_ value: CIMValue) {
            if let v = value.int64Value {
                self.init(negative: v < 0, magnitude: v.magnitude)
            } else if let v = value.uint64Value {
                self.init(negative: false, magnitude: v)
            } else {
                return nil
            }
        }

        init?(text: Substring) {
            var body = text
            var negative = false
            if let sign = body.first, sign == "-" || sign == "+" {
                negative = sign == "-"
                body = body.dropFirst()
            }
            let magnitude: UInt64?
            if body.lowercased().hasPrefix("0x") {
                magnitude = UInt64(body.dropFirst(2), radix: 16)
            } else {
                magnitude = UInt64(body)
            }
            guard let magnitude else { return nil }
            self.init(negative: negative, magnitude: magnitude)
        }

        static func < (lhs: Number, rhs: Number) -> Bool {
            switch (lhs.negative, rhs.negative) {
            case (true, false): return true
            case (false, true): return false
            case (false, false): return lhs.magnitude < rhs.magnitude
            case (true, true): return lhs.magnitude > rhs.magnitude
            }
        }
    }

    private var ranges: [(lower: Number?, upper: Number?)] = []

    init(_ entries: [String]) {
        for entry in entries {
            let text = Substring(entry.filter { !$0.isWhitespace })
            if let dots = text.range(of: "..") {
                let lower = text[..<dots.lowerBound]
                let upper = text[dots.upperBound...]
                let low = lower.isEmpty ? nil : Number(text: lower)
                let high = upper.isEmpty ? nil : Number(text: upper)
                if (!lower.isEmpty && low == nil) || (!upper.isEmpty && high == nil) { continue }
                ranges.append((low, high))
            } else if let number = Number(text: text) {
                ranges.append((number, number))
            }
        }
    }

    /// True when the map has integer entries at all (a map of only names constrains nothing here).
    var constrains: Bool { !ranges.isEmpty }

    /// True when `value` (an integer) falls on an entry or in a range.
    func allows(_ value: CIMValue) -> Bool {
        guard let number = Number(value) else { return false }
        return ranges.contains { range in
            (range.lower.map { $0 <= number } ?? true) && (range.upper.map { number <= $0 } ?? true)
        }
    }
}
