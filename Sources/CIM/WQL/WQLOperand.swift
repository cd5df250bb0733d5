/// One side of a WQL comparison: a property of the instance (`__CLASS` included) or a constant.
public enum WQLOperand: Hashable, Sendable {
    case property(String)
    case literal(WQLLiteral)
}
