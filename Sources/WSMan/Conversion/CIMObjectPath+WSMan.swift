import CIM

extension CIMObjectPath {
    /// The EPR of this path: the WMI resource URI `http://schemas.microsoft.com/wbem/wsman/1/wmi/<ns>/<Class>`
    /// (the path's namespace, else `defaultNamespace`), one selector per key (its text; references as
    /// nested EPRs), then `__cimnamespace`.
    public func endpointReference(defaultNamespace: CIMNamespace) -> EndpointReference {
        EndpointReference(self, defaultNamespace: defaultNamespace)
    }
}
