/// A compiled WQL `LIKE` pattern. WMI wildcards: `%` any run of characters (also none), `_` exactly one,
/// `[abc]` / `[a-z]` one of a set, `[^…]` one not in a set; `[%]` matches a literal `%`. Matching ignores case, as
/// WMI string comparisons do.
public struct WQLLikePattern: Hashable, Sendable {
    private enum Element: Hashable, Sendable {
        case literal(Character)
        case anyRun
        case anyOne
        case set(ranges: [ClosedRange<Character>], negated: Bool)
    }

    private let elements: [Element]
    /// The pattern as written.
    public let text: String

    /// Compiles a pattern; an unclosed `[` throws.
    public init(_ text: String) throws {
        self.text = text
        var elements: [Element] = []
        let characters = Array(text.lowercased())
        var index = 0
        while index < characters.count {
            let character = characters[index]
            index += 1
            switch character {
            case "%": if elements.last != .anyRun { elements.append(.anyRun) }
            case "_": elements.append(.anyOne)
            case "[":
                var negated = false
                if index < characters.count, characters[index] == "^" {
                    negated = true
                    index += 1
                }
                var ranges: [ClosedRange<Character>] = []
                var closed = false
                var first = true
                while index < characters.count {
                    let member = characters[index]
                    if member == "]" && !first {
                        closed = true
                        index += 1
                        break
                    }
                    first = false
                    if index + 2 < characters.count, characters[index + 1] == "-", characters[index + 2] != "]" {
                        let upper = characters[index + 2]
                        ranges.append(min(member, upper)...max(member, upper))
                        index += 3
                    } else {
                        ranges.append(member...member)
                        index += 1
                    }
                }
                guard closed else { throw WQLError.syntax("LIKE pattern '\(text)' has an unclosed '['", at: 0) }
                elements.append(.set(ranges: ranges, negated: negated))
            default:
                elements.append(.literal(character))
            }
        }
        self.elements = elements
    }

    /// True when the whole of `value` matches the pattern.
    public func matches(_ value: String) -> Bool {
        let characters = Array(value.lowercased())
        // reachable[i]: the elements consumed so far can match characters[0..<i].
        var reachable = [Bool](repeating: false, count: characters.count + 1)
        reachable[0] = true
        for element in elements {
            var next = [Bool](repeating: false, count: characters.count + 1)
            switch element {
            case .anyRun:
                var seen = false
                for i in 0...characters.count {
                    seen = seen || reachable[i]
                    next[i] = seen
                }
            case .anyOne, .literal, .set:
                for i in 0..<characters.count where reachable[i] && Self.accepts(element, characters[i]) {
                    next[i + 1] = true
                }
            }
            reachable = next
        }
        return reachable[characters.count]
    }

    private static func accepts(_ element: Element, _ character: Character) -> Bool {
        switch element {
        case .anyRun, .anyOne: return true
        case .literal(let literal): return literal == character
        case .set(let ranges, let negated): return ranges.contains { $0.contains(character) } != negated
        }
    }
}
