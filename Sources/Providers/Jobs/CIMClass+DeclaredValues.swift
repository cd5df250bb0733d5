import CIM

extension CIMClass {
    /// An instance of this class holding those of `values` the class declares, each converted to its declared type
    /// (names take the schema's spelling); values the class does not declare, or that do not convert, are left out.
    func instance(declaring values: [(String, CIMValue?)]) -> CIMInstance {
        var instance = CIMInstance(className: name)
        for (name, value) in values {
            guard let declared = property(named: name) else { continue }
            guard let value else {
                instance.setProperty(.init(name: declared.name, value: nil, type: declared.dataType))
                continue
            }
            guard let typed = try? TypedValue.convert(value, to: declared.dataType) else { continue }
            instance.setProperty(.init(name: declared.name, value: typed, type: declared.dataType))
        }
        return instance
    }
}
