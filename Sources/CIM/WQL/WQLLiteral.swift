/// A constant in a WQL expression. Datetimes are written as strings and compared as datetimes when the property is
/// one.
public enum WQLLiteral: Hashable, Sendable {
    case string(String)
    case integer(Int64)
    /// An integer above `Int64.max` (uint64 values).
    case unsignedInteger(UInt64)
    case real(Double)
    case boolean(Bool)
    case null
}
