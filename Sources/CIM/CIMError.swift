/// An error raised by the CIM object model: a value that does not parse, does not fit its type,
/// or a schema that does not resolve.
public struct CIMError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case invalidValue
        case outOfRange
        case invalidDateTime
        case invalidObjectPath
        case invalidTypeName
        case invalidNamespace
        case typeMismatch
    }

    private let code: Code
    /// A human-readable explanation naming the offending input.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// Text that is not a valid literal of the requested type.
    public static func invalidValue(_ message: String) -> CIMError { CIMError(.invalidValue, message) }
    /// A number outside the range of the requested integer or real type.
    public static func outOfRange(_ message: String) -> CIMError { CIMError(.outOfRange, message) }
    /// Text that is not a CIM, xs:dateTime or xs:duration date/time.
    public static func invalidDateTime(_ message: String) -> CIMError { CIMError(.invalidDateTime, message) }
    /// Text that is not a WMI object path.
    public static func invalidObjectPath(_ message: String) -> CIMError { CIMError(.invalidObjectPath, message) }
    /// A CIM type name that is not known.
    public static func invalidTypeName(_ message: String) -> CIMError { CIMError(.invalidTypeName, message) }
    /// A namespace name that is empty or malformed.
    public static func invalidNamespace(_ message: String) -> CIMError { CIMError(.invalidNamespace, message) }
    /// A value whose type does not match the declared type.
    public static func typeMismatch(_ message: String) -> CIMError { CIMError(.typeMismatch, message) }

    public static func == (lhs: CIMError, rhs: CIMError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// True when both errors are of the same kind, whatever their messages.
    public func isKind(of other: CIMError) -> Bool { code == other.code }
}
