/// The condition of a WQL `WHERE` clause.
public indirect enum WQLExpression: Hashable, Sendable {
    case and(WQLExpression, WQLExpression)
    case or(WQLExpression, WQLExpression)
    case not(WQLExpression)
    /// `A = 'x'`, `5 < B`, `A <> NULL`, …
    case comparison(WQLOperand, WQLComparisonOperator, WQLOperand)
    /// `Property LIKE 'pattern'` with WMI wildcards (`%`, `_`, `[a-z]`, `[^…]`).
    case like(property: String, pattern: String)
    /// `Property ISA 'Class'`: the instance (`__THIS`, `__CLASS`) or an embedded instance is of the class or a
    /// subclass.
    case isa(property: String, className: String)
    /// `Property IS NULL` (`negated`: `IS NOT NULL`).
    case isNull(property: String, negated: Bool)
}
