/// A value as it travels in a WS-Management message, before any schema gives it a CIM type.
///
/// Requests carry untyped text; the typed conversion to `CIMValue` happens in `WSManValue+CIM`
/// once the class or method declaration is known. The same tree is what the encoder renders.
///
/// Only the two large payloads are boxed: a text value, the common case, is stored inline.
public enum WSManValue: Sendable, Hashable {
    /// Character data: strings, numbers, booleans, WMI `__PATH` strings, …
    case text(String)
    /// `xsi:nil="true"` (or an explicit CIM NULL).
    case null
    /// A reference: EPR children (Address + ReferenceParameters) or an `a:EndpointReference`.
    indirect case reference(EndpointReference)
    /// A DSP0230 date/time child element (`cim:Datetime`, `cim:Interval`, …) and its text.
    case dateTime(DateTimeForm, String)
    /// An embedded or nested instance (CIM-XML `INSTANCE` text or a DSP0230 instance element).
    indirect case instance(WSManInstance)
    /// An embedded instance given as MOF text (`instance of X { … };`), compiled by the caller.
    case mof(String)
    /// Repeated elements (or a CIM-XML `VALUE.ARRAY`).
    case array([WSManValue])

    /// The DSP0230 element that carried a date/time value.
    public enum DateTimeForm: String, Sendable, Hashable, CaseIterable {
        /// `cim:Datetime`, an xs:dateTime such as `2024-05-01T10:20:30.123Z`.
        case datetime = "Datetime"
        /// `cim:Interval`, an xs:duration such as `P0DT0H1M40S`.
        case interval = "Interval"
        /// `cim:Date`, an xs:date.
        case date = "Date"
        /// `cim:Time`, an xs:time.
        case time = "Time"
        /// `cim:CIM_DateTime`, the raw DMTF `yyyymmddHHMMSS.mmmmmmsUUU` string.
        case cimDateTime = "CIM_DateTime"
    }

    /// The text of a `.text` value.
    public var text: String? {
        if case .text(let text) = self { return text }
        return nil
    }

    /// The elements of an array, or the value itself as a one-element array.
    public var elements: [WSManValue] {
        if case .array(let values) = self { return values }
        return [self]
    }
}

/// A named value: an instance property or a method parameter.
public struct WSManProperty: Sendable, Hashable {
    public var name: String
    /// The CIM type name when the wire said it (`TYPE` / `PARAMTYPE` in CIM-XML, `REF` for references).
    public var typeName: String?
    public var value: WSManValue

    public init(name: String, typeName: String? = nil, value: WSManValue) {
        self.name = name
        self.typeName = typeName
        self.value = value
    }
}

/// An instance as carried on the wire: a DSP0230 element or a CIM-XML `INSTANCE`.
public struct WSManInstance: Sendable, Hashable {
    /// Where the instance came from (or how the encoder should think of it).
    public enum Form: Sendable, Hashable {
        /// `<p:Class xmlns:p="<class URI>">…</p:Class>` (DSP0230).
        case element
        /// CIM-XML (DSP0201) `<INSTANCE CLASSNAME="…">` text.
        case cimXML
    }

    public var className: String
    /// The XML namespace of the instance element (the class resource URI), when known.
    public var namespaceURI: String?
    public var properties: [WSManProperty]
    public var form: Form

    public init(className: String, namespaceURI: String? = nil, properties: [WSManProperty], form: Form = .element) {
        self.className = className
        self.namespaceURI = namespaceURI
        self.properties = properties
        self.form = form
    }

    /// The property with this name (case-insensitive, as WMI matches names).
    public subscript(name: String) -> WSManProperty? {
        let lowered = name.lowercased()
        return properties.first { $0.name.lowercased() == lowered }
    }
}
