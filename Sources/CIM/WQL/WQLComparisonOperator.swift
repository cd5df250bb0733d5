/// A WQL comparison operator. `!=` and `<>` mean the same; the spelling is kept so a query prints as it was written.
public enum WQLComparisonOperator: String, Hashable, Sendable, CaseIterable {
    case equal = "="
    case notEqual = "<>"
    case notEqualBang = "!="
    case lessThan = "<"
    case greaterThan = ">"
    case lessThanOrEqual = "<="
    case greaterThanOrEqual = ">="

    /// The operator that gives the same answer with its operands swapped (`5 < X` is `X > 5`).
    var mirrored: WQLComparisonOperator {
        switch self {
        case .equal, .notEqual, .notEqualBang: return self
        case .lessThan: return .greaterThan
        case .greaterThan: return .lessThan
        case .lessThanOrEqual: return .greaterThanOrEqual
        case .greaterThanOrEqual: return .lessThanOrEqual
        }
    }
}
