import CIM

extension CIMProperty {
    /// What to pass as `embeddedInstanceClass` when converting a value of this property with
    /// `WSManValue.cimValue(as:embeddedInstanceClass:…)`: the `EmbeddedInstance` class, `""` for
    /// `EmbeddedObject` (any class), nil for other properties.
    public var wsmanEmbeddedInstanceClass: String? {
        embeddedInstanceClass ?? (isEmbeddedObject ? "" : nil)
    }
}

extension CIMParameter {
    /// What to pass as `embeddedInstanceClass` when converting this parameter: the `EmbeddedInstance`
    /// class, `""` for `EmbeddedObject` (any class), nil for other parameters.
    public var wsmanEmbeddedInstanceClass: String? {
        embeddedInstanceClass ?? (qualifiers.isTrue("EmbeddedObject") ? "" : nil)
    }
}
