/// A property of a class (DSP0004 §5.1.2.3).
public struct CIMProperty: Hashable, Sendable {
    public var name: String
    public var dataType: CIMDataType
    /// The default (initializer) value; nil is NULL.
    public var defaultValue: CIMValue?
    public var qualifiers: CIMQualifierList
    /// The class that first declared the property; set when the class is resolved.
    public var classOrigin: String
    /// True when inherited unchanged from the superclass.
    public var propagated: Bool

    public init(
        name: String, dataType: CIMDataType, defaultValue: CIMValue? = nil, qualifiers: CIMQualifierList = [],
        classOrigin: String = "", propagated: Bool = false
    ) {
        self.name = name
        self.dataType = dataType
        self.defaultValue = defaultValue
        self.qualifiers = qualifiers
        self.classOrigin = classOrigin
        self.propagated = propagated
    }

    /// True when the property has the `Key` qualifier.
    public var isKey: Bool { qualifiers.isTrue("Key") }
    /// The referenced class for a reference property.
    public var referenceClass: String? { dataType.scalar.referenceClass }
    /// The `EmbeddedInstance` class name (also Hyper-V's `HyperVEmbeddedInstance`).
    public var embeddedInstanceClass: String? {
        qualifiers.string("EmbeddedInstance") ?? qualifiers.string("HyperVEmbeddedInstance")
    }
    /// True for `EmbeddedObject` properties.
    public var isEmbeddedObject: Bool { qualifiers.isTrue("EmbeddedObject") }
    /// The `ValueMap` qualifier.
    public var valueMap: [String]? { qualifiers.strings("ValueMap") }
    /// The `Values` qualifier.
    public var values: [String]? { qualifiers.strings("Values") }
}

/// The direction of a method parameter, from its `In`/`Out` qualifiers.
public enum CIMParameterDirection: String, Hashable, Sendable {
    case `in`, out, inOut
}

/// A method parameter (DSP0004 §5.1.2.7).
public struct CIMParameter: Hashable, Sendable {
    public var name: String
    public var dataType: CIMDataType
    public var qualifiers: CIMQualifierList

    public init(name: String, dataType: CIMDataType, qualifiers: CIMQualifierList = []) {
        self.name = name
        self.dataType = dataType
        self.qualifiers = qualifiers
    }

    /// `[Out]` alone is out-only (the WMI reading, equal to DMTF's `[In(false), Out]`); an explicit
    /// `In` keeps its value; no qualifier means in.
    public var direction: CIMParameterDirection {
        let isOut = qualifiers.isTrue("Out")
        let isIn = qualifiers["In"].map { $0.value?.boolValue ?? true } ?? !isOut
        switch (isIn, isOut) {
        case (true, true): return .inOut
        case (false, true): return .out
        default: return .in
        }
    }

    /// True for in and in/out parameters.
    public var isInput: Bool { direction != .out }
    /// True for out and in/out parameters.
    public var isOutput: Bool { direction != .in }
    /// The `EmbeddedInstance` class name (also Hyper-V's `HyperVEmbeddedInstance`).
    public var embeddedInstanceClass: String? {
        qualifiers.string("EmbeddedInstance") ?? qualifiers.string("HyperVEmbeddedInstance")
    }
    /// The referenced class for a reference parameter.
    public var referenceClass: String? { dataType.scalar.referenceClass }
    /// The `ValueMap` qualifier.
    public var valueMap: [String]? { qualifiers.strings("ValueMap") }
    /// The `Values` qualifier.
    public var values: [String]? { qualifiers.strings("Values") }
}

/// A method (DSP0004 §5.1.2.6).
public struct CIMMethod: Hashable, Sendable {
    public var name: String
    public var returnType: CIMDataType
    /// The parameters in declaration order.
    public var parameters: [CIMParameter]
    public var qualifiers: CIMQualifierList
    /// The class that first declared the method; set when the class is resolved.
    public var classOrigin: String
    /// True when inherited unchanged from the superclass.
    public var propagated: Bool

    public init(
        name: String, returnType: CIMDataType, parameters: [CIMParameter] = [], qualifiers: CIMQualifierList = [],
        classOrigin: String = "", propagated: Bool = false
    ) {
        self.name = name
        self.returnType = returnType
        self.parameters = parameters
        self.qualifiers = qualifiers
        self.classOrigin = classOrigin
        self.propagated = propagated
    }

    /// The parameter named `name` (case-insensitive).
    public func parameter(named name: String) -> CIMParameter? {
        let lower = name.lowercased()
        return parameters.first { $0.name.lowercased() == lower }
    }

    /// In and in/out parameters, in order.
    public var inputParameters: [CIMParameter] { parameters.filter(\.isInput) }
    /// Out and in/out parameters, in order.
    public var outputParameters: [CIMParameter] { parameters.filter(\.isOutput) }
    /// The `ValueMap` of the return value.
    public var valueMap: [String]? { qualifiers.strings("ValueMap") }
    /// The `Values` of the return value.
    public var values: [String]? { qualifiers.strings("Values") }
}
