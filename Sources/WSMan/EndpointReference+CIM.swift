import CIM

extension EndpointReference {
    /// The EPR of an instance path, in the Windows shape: WMI resource URI, key selectors, then
    /// `__cimnamespace` (which openwsman-style clients copy and Windows tolerates).
    public init(_ path: CIMObjectPath, defaultNamespace: CIMNamespace? = nil) {
        let namespace = path.namespace ?? defaultNamespace
        var selectors = SelectorSet(path.keyBindings.map { binding in
            if case .reference(let target) = binding.value {
                return WSManSelector(name: binding.name, value: .reference(EndpointReference(target,
                                                                     defaultNamespace: namespace)))
            }
            return WSManSelector(binding.name, binding.value.textValue)
        })
        let uri: ResourceURI
        if let namespace {
            uri = .wmi(namespace: namespace.name, className: path.className)
            selectors.selectors.append(WSManSelector(SelectorSet.cimNamespaceName, namespace.name))
        } else {
            uri = .dmtf(className: path.className)
        }
        self.init(resourceURI: uri, selectors: selectors)
    }

    /// The instance path this EPR names. Selector values become string keys (key comparison in CIM is
    /// by text, so a typed key matches); the namespace comes from the WMI URI or `__cimnamespace`,
    /// else `defaultNamespace` (the request's), else the MS-WSMV default for DMTF URIs.
    public func objectPath(defaultNamespace: CIMNamespace? = nil) throws(WSManFault) -> CIMObjectPath {
        let uri = try ResourceURI(parsing: resourceURI)
        guard let className = uri.className else {
            throw .invalidSelectors("The endpoint reference \(resourceURI) does not name a class. ")
        }
        let namespaceText: String?
        if uri.kind == .dmtf, selectors.cimNamespace == nil, let defaultNamespace {
            namespaceText = defaultNamespace.name
        } else {
            namespaceText = uri.resolvedNamespace(cimNamespaceSelector: selectors.cimNamespace)
        }
        guard let namespaceText, let namespace = CIMNamespace(namespaceText) else {
            throw .invalidResourceURI(resourceURI)
        }
        var bindings: [CIMKeyBinding] = []
        for selector in selectors.keys {
            switch selector.value {
            case .text(let text):
                bindings.append(CIMKeyBinding(name: selector.name, value: .string(text)))
            case .reference(let nested):
                bindings.append(CIMKeyBinding(name: selector.name,
                                              value: .reference(try nested.objectPath(defaultNamespace: namespace))))
            }
        }
        return CIMObjectPath(namespace: namespace, className: className, keyBindings: bindings)
    }
}
