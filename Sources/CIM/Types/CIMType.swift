/// A scalar CIM type (DSP0004 §5.2), as MOF and CIM-XML spell it.
public enum CIMType: Hashable, Sendable, CustomStringConvertible {
    case boolean
    case uint8, sint8, uint16, sint16, uint32, sint32, uint64, sint64
    case real32, real64
    case char16
    case string
    case datetime
    /// A reference to an instance of the named class (`CIM_X REF Name`).
    case reference(String)
    /// An embedded instance or object (CIM-XML `EmbeddedObject`); the class name when known.
    case instance(String?)

    /// Parses a MOF/CIM-XML type name (`uint16`, `datetime`, `string`, `reference`, `object`),
    /// case-insensitively. Returns nil for an unknown name.
    public init?(name: String) {
        switch name.lowercased() {
        case "boolean": self = .boolean
        case "uint8": self = .uint8
        case "sint8": self = .sint8
        case "uint16": self = .uint16
        case "sint16": self = .sint16
        case "uint32": self = .uint32
        case "sint32": self = .sint32
        case "uint64": self = .uint64
        case "sint64": self = .sint64
        case "real32": self = .real32
        case "real64": self = .real64
        case "char16": self = .char16
        case "string": self = .string
        case "datetime": self = .datetime
        case "reference", "ref": self = .reference("")
        case "object", "instance": self = .instance(nil)
        default: return nil
        }
    }

    /// The MOF/CIM-XML spelling (`uint16`, `reference`, `string`).
    public var name: String {
        switch self {
        case .boolean: "boolean"
        case .uint8: "uint8"
        case .sint8: "sint8"
        case .uint16: "uint16"
        case .sint16: "sint16"
        case .uint32: "uint32"
        case .sint32: "sint32"
        case .uint64: "uint64"
        case .sint64: "sint64"
        case .real32: "real32"
        case .real64: "real64"
        case .char16: "char16"
        case .string: "string"
        case .datetime: "datetime"
        case .reference: "reference"
        case .instance: "object"
        }
    }

    /// The MOF form: `CIM_X REF` for references, otherwise ``name``.
    public var description: String {
        if case .reference(let className) = self, !className.isEmpty { return "\(className) REF" }
        return name
    }

    /// True for the eight integer types.
    public var isInteger: Bool { integerBounds != nil }

    /// True for uint8…uint64.
    public var isUnsigned: Bool {
        switch self {
        case .uint8, .uint16, .uint32, .uint64: true
        default: false
        }
    }

    /// True for real32 and real64.
    public var isReal: Bool { self == .real32 || self == .real64 }

    /// The referenced class name for `.reference`, nil otherwise or when unspecified.
    public var referenceClass: String? {
        if case .reference(let className) = self, !className.isEmpty { return className }
        return nil
    }

    /// The bounds of an integer type (min as Int64, max as UInt64 so every type fits); nil otherwise.
    public var integerBounds: (min: Int64, max: UInt64)? {
        switch self {
        case .uint8: (0, UInt64(UInt8.max))
        case .sint8: (Int64(Int8.min), UInt64(Int8.max))
        case .uint16: (0, UInt64(UInt16.max))
        case .sint16: (Int64(Int16.min), UInt64(Int16.max))
        case .uint32: (0, UInt64(UInt32.max))
        case .sint32: (Int64(Int32.min), UInt64(Int32.max))
        case .uint64: (0, UInt64.max)
        case .sint64: (Int64.min, UInt64(Int64.max))
        default: nil
        }
    }

    /// Equality that compares reference class names case-insensitively.
    public func isSameType(as other: CIMType) -> Bool {
        switch (self, other) {
        case (.reference(let a), .reference(let b)): a.lowercased() == b.lowercased()
        case (.instance(let a), .instance(let b)): a?.lowercased() == b?.lowercased()
        default: self == other
        }
    }
}

/// A CIM type with its array-ness: `uint16`, `uint16[]`, `string[4]`.
public struct CIMDataType: Hashable, Sendable, CustomStringConvertible {
    /// The element type.
    public var scalar: CIMType
    /// True for arrays, fixed or variable.
    public var isArray: Bool
    /// The size of a fixed-size array (`string[4]`), nil for variable arrays and scalars.
    public var arraySize: Int?

    public init(_ scalar: CIMType, isArray: Bool = false, arraySize: Int? = nil) {
        self.scalar = scalar
        self.isArray = isArray || arraySize != nil
        self.arraySize = arraySize
    }

    /// A variable-size array of `scalar`.
    public static func array(_ scalar: CIMType, size: Int? = nil) -> CIMDataType {
        CIMDataType(scalar, isArray: true, arraySize: size)
    }

    /// Parses `uint16`, `uint16[]`, `string[4]` (case-insensitive). Throws for unknown names.
    public init(parsing text: String) throws {
        var name = Substring(text).trimmingSpaces
        var isArray = false
        var size: Int?
        if name.hasSuffix("]"), let open = name.lastIndex(of: "[") {
            let inner = name[name.index(after: open)..<name.index(before: name.endIndex)].trimmingSpaces
            if !inner.isEmpty {
                guard let n = Int(inner), n > 0 else {
                    throw CIMError.invalidTypeName("invalid array size in type '\(text)'")
                }
                size = n
            }
            isArray = true
            name = name[..<open].trimmingSpaces
        }
        guard let scalar = CIMType(name: String(name)) else {
            throw CIMError.invalidTypeName("unknown CIM type '\(text)'")
        }
        self.init(scalar, isArray: isArray, arraySize: size)
    }

    /// `uint16`, `uint16[]`, `string[4]`; references print as `reference`.
    public var description: String {
        guard isArray else { return scalar.name }
        return "\(scalar.name)[\(arraySize.map(String.init) ?? "")]"
    }

    /// Same type, comparing reference class names case-insensitively and ignoring fixed array sizes.
    public func isCompatible(with other: CIMDataType) -> Bool {
        isArray == other.isArray && scalar.isSameType(as: other.scalar)
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" || f == "\n" || f == "\r" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" { s.removeLast() }
        return s
    }
}
