import CIM
import Foundation
import Logging
import Providers
import Server
import WSMan

/// Serves WS-Man requests from the object manager: decodes the envelope, resolves the resource, types the
/// wire values against the schema, calls the object manager and encodes the Windows-shaped answer. Every
/// failure becomes a `WSManFault`; nothing below this type sees XML, and nothing above it sees CIM.
public final class WSManDispatcher: WSManEndpoint {
    /// Parses MOF text (`instance of X { … };`) that a client sent as an embedded instance.
    public typealias MOFInstanceParser = @Sendable (_ text: String, _ namespace: CIMNamespace) throws -> CIMInstance

    private let objectManager: ObjectManager
    private let configuration: WSManServiceConfiguration
    private let contexts: EnumerationContexts
    private let classResources = ResolutionCache<ClassResourceKey, (CIMNamespace, String)>()
    private let instancePaths = ResolutionCache<InstancePathKey, ResolvedInstancePath>(capacity: 1024)
    private let renderedInstances = RenderedInstanceMemo()
    private let mofInstanceParser: MOFInstanceParser?
    private let logger: Logger

    public init(
        objectManager: ObjectManager, configuration: WSManServiceConfiguration,
        mofInstanceParser: MOFInstanceParser? = nil, logger: Logger
    ) {
        self.objectManager = objectManager
        self.configuration = configuration
        self.contexts = EnumerationContexts(idleExpiry: configuration.enumerationExpiry)
        self.mofInstanceParser = mofInstanceParser
        self.logger = logger
    }

    private var schema: SchemaRepository { objectManager.schema }

    public func respond(to request: WSManHTTPRequest) async -> WSManHTTPResponse {
        switch reply(to: request) {
        case .now(let response): response
        case .later(let respond): await respond()
        }
    }

    /// Decodes the envelope and answers at once what needs no provider (Identify, faults of the envelope);
    /// the rest is a call to the object manager.
    public func reply(to request: WSManHTTPRequest) -> WSManEndpointReply {
        let encoder = self.encoder(for: request.info)
        let decoded: WSManRequest
        do {
            decoded = try WSManRequestDecoder(limits: configuration.xmlLimits).decode(request.body)
        } catch {
            return .now(.fault(encoder.encode(error.fault, relatesTo: error.messageID)))
        }
        let relatesTo = decoded.header.messageID
        if request.isUnauthenticatedIdentify {
            // Windows answers an unauthenticated Identify and nothing else without credentials.
            guard case .identify = decoded.operation else {
                return .now(.fault(encoder.encode(WSManFault.accessDenied(), relatesTo: relatesTo)))
            }
            let response = WSManResponse(requestAction: decoded.header.action, relatesTo: relatesTo,
                                         body: .identify(productVendor: "Microsoft Corporation", productVersion: nil))
            return .now(.soap(encoder.encode(response)))
        }
        if case .identify = decoded.operation {
            return .now(render(.success(identify), for: decoded, encoder: encoder))
        }
        let userName = request.user?.name
        if case .get = decoded.operation, let body = immediateGet(decoded, userName: userName, encoder: encoder) {
            return .now(render(body, for: decoded, encoder: encoder))
        }
        return .later {
            let body: Result<WSManResponseBody, any Error>
            do {
                body = .success(try await self.perform(decoded, userName: userName, encoder: encoder))
            } catch {
                body = .failure(error)
            }
            return self.render(body, for: decoded, encoder: encoder)
        }
    }

    /// The response to `request`: its body, within the envelope size limit, or its fault.
    private func render(
        _ body: Result<WSManResponseBody, any Error>, for request: WSManRequest, encoder: WSManResponseEncoder
    ) -> WSManHTTPResponse {
        let relatesTo = request.header.messageID
        switch body {
        case .success(let body):
            let bytes = encoder.encode(WSManResponse(requestAction: request.header.action, relatesTo: relatesTo,
                                                     body: body))
            let limit = min(request.header.maxEnvelopeSize ?? configuration.maxEnvelopeSize,
                            configuration.maxEnvelopeSize)
            guard bytes.count <= limit else {
                return .fault(encoder.encode(
                    WSManFault.encodingLimit(responseSize: bytes.count, maxEnvelopeSize: limit), relatesTo: relatesTo))
            }
            return .soap(bytes)
        case .failure(let error):
            return .fault(encoder.encode(fault(for: error, request: request), relatesTo: relatesTo))
        }
    }

    private var identify: WSManResponseBody {
        .identify(productVendor: "Microsoft Corporation", productVersion: configuration.productVersion)
    }

    public func respond(to fault: WSManTransportFault, for info: HTTPRequestInfo) -> WSManHTTPResponse {
        fault.defaultResponse(machine: configuration.hostName)
    }

    /// wsl (curl) copies lines of a response into its next request and declares only `wsa:`/`wsman:`, so it gets
    /// openwsman-style prefixes; namespace-aware clients are indifferent, so everyone else gets Windows' own.
    private func encoder(for info: HTTPRequestInfo) -> WSManResponseEncoder {
        let agent = info.headers.first(named: "User-Agent") ?? ""
        return WSManResponseEncoder(style: agent.hasPrefix("curl/") ? .wsl : .windows, machine: configuration.hostName)
    }

    // MARK: - Operations

    private func perform(
        _ request: WSManRequest, userName: String?, encoder: WSManResponseEncoder
    ) async throws -> WSManResponseBody {
        switch request.operation {
        case .identify:
            return identify
        case .get:
            let resolved = try instancePath(of: request)
            let instance = try await objectManager.getInstance(at: resolved, userName: userName)
            return encodedGet(instance, in: resolved.namespace, encoder: encoder)
        case .put(let wire):
            let (namespace, className) = try classResource(of: request)
            let path = try request.header.selectors.objectPath(className: className, namespace: namespace,
                                                               schema: schema)
            let changes = try typed(wire, namespace: namespace, expectedClass: className)
            let updated = try await objectManager.modifyInstance(changes, at: path, userName: userName)
            return .put(updated.wsmanInstance(schema: schema, namespace: namespace))
        case .create(let wire):
            let (namespace, className) = try classResource(of: request)
            let instance = try typed(wire, namespace: namespace, expectedClass: className)
            let path = try await objectManager.createInstance(instance, in: namespace, userName: userName)
            return .create(EndpointReference(path, defaultNamespace: namespace))
        case .delete:
            let (namespace, className) = try classResource(of: request)
            let path = try request.header.selectors.objectPath(className: className, namespace: namespace,
                                                               schema: schema)
            try await objectManager.deleteInstance(path, userName: userName)
            return .delete
        case .enumerate(let options):
            return try await enumerate(request, options: options, userName: userName)
        case .pull(let options):
            guard let page = await contexts.pull(options.context, maxElements: options.maxElements ?? 1) else {
                throw WSManFault.invalidEnumerationContext
            }
            return .pull(context: page.context, items: page.items)
        case .release(let context):
            guard await contexts.release(context) else { throw WSManFault.invalidEnumerationContext }
            return .release
        case .invoke(let method, let parameters):
            return try await invoke(method, parameters: parameters, request: request, userName: userName)
        }
    }

    /// A Get answered without a task, when the instance's provider answers from memory; nil when it would suspend.
    private func immediateGet(
        _ request: WSManRequest, userName: String?, encoder: WSManResponseEncoder
    ) -> Result<WSManResponseBody, any Error>? {
        do {
            let resolved = try instancePath(of: request)
            guard let instance = try objectManager.immediateInstance(at: resolved, userName: userName) else {
                return nil
            }
            return .success(encodedGet(instance, in: resolved.namespace, encoder: encoder))
        } catch {
            return .failure(error)
        }
    }

    private func encodedGet(
        _ instance: CIMInstance, in namespace: CIMNamespace, encoder: WSManResponseEncoder
    ) -> WSManResponseBody {
        .encodedGet(renderedInstances.encoded(instance, in: namespace, encoder: encoder) {
            $0.wsmanInstance(schema: self.schema, namespace: namespace)
        })
    }

    private func enumerate(
        _ request: WSManRequest, options: EnumerateOptions, userName: String?
    ) async throws -> WSManResponseBody {
        guard let uri = try request.header.resourceURI(), uri.kind != .other,
            let namespaceText = uri.resolvedNamespace(cimNamespaceSelector: request.header.selectors.cimNamespace),
            let requestNamespace = CIMNamespace(namespaceText)
        else { throw WSManFault.invalidResourceURI(request.header.resourceURIText ?? "") }
        var projection: [String]?
        var namespace = requestNamespace
        let instances: [CIMInstance]
        switch options.filter {
        case nil:
            guard let className = uri.className else {
                throw WSManFault.unsupportedFeature("Enumerating a namespace wildcard needs a filter. ")
            }
            instances = try await objectManager.enumerateInstances(of: className, in: namespace, userName: userName)
        case .wql(let text):
            // Windows wants WQL on the `…/*` URI; a class URI is accepted too, since the query names the class.
            if case .select(let select)? = try? WQLStatement(parsing: text) { projection = select.properties }
            instances = try await objectManager.execQuery(text, in: namespace, userName: userName)
        case .selector(let selectors):
            guard let className = uri.className else {
                throw WSManFault.unsupportedFeature("A selector filter needs a class resource URI. ")
            }
            let all = try await objectManager.enumerateInstances(of: className, in: namespace, userName: userName)
            instances = all.filter { instance in
                selectors.keys.allSatisfy { selector in
                    guard let wanted = selector.text, let value = instance[selector.name] else {
                        return false
                    }
                    return value.textValue.caseInsensitiveCompare(wanted) == .orderedSame
                }
            }
        case .association(let filter):
            let object = try filter.object.objectPath(defaultNamespace: namespace)
            // The object's EPR names its namespace; a DMTF wildcard URI without `__cimnamespace` does not.
            namespace = object.namespace ?? namespace
            switch filter.kind {
            case .associatedInstances:
                instances = try await objectManager.associators(
                    of: object, associationClass: filter.associationClassName, resultClass: filter.resultClassName,
                    role: filter.role, resultRole: filter.resultRole, userName: userName)
            case .associationInstances:
                instances = try await objectManager.references(
                    of: object, resultClass: filter.resultClassName, role: filter.role, userName: userName)
            }
            if !filter.includeResultProperties.isEmpty { projection = filter.includeResultProperties }
        }
        let items = instances.map { item(for: $0, mode: options.mode, namespace: namespace, projection: projection) }
        let page = await contexts.open(items, owner: userName, firstPage: options.optimize
                                       ? (options.maxElements ?? 1) : 0)
        return .enumerate(context: page.context, items: options.optimize ? page.items : nil)
    }

    private func item(
        for instance: CIMInstance, mode: EnumerationMode, namespace: CIMNamespace, projection: [String]?
    ) -> EnumerationItem {
        let wire = { instance.wsmanInstance(schema: self.schema, namespace: namespace, properties: projection) }
        let epr = {
            EndpointReference(self.objectManager.path(of: instance, in: namespace),
                              defaultNamespace: namespace)
        }
        switch mode {
        case .objects: return .object(wire())
        case .epr: return .epr(epr())
        case .objectAndEPR: return .objectAndEPR(wire(), epr())
        }
    }

    private func invoke(
        _ methodName: String, parameters: [WSManProperty], request: WSManRequest, userName: String?
    ) async throws -> WSManResponseBody {
        let (namespace, className) = try classResource(of: request)
        guard let method = schema.method(methodName, of: className, in: namespace) else {
            throw WSManFault.actionNotSupported(request.header.action)
        }
        let target: CIMObjectPath
        if request.header.selectors.keys.isEmpty, method.qualifiers.isTrue("Static") {
            target = CIMObjectPath(namespace: namespace, className: className, keyBindings: [])
        } else {
            target = try request.header.selectors.objectPath(className: className, namespace: namespace,
                                                             schema: schema)
        }
        var inParameters: [String: CIMValue?] = [:]
        for parameter in parameters {
            guard let declaration = method.parameter(named: parameter.name), declaration.isInput else {
                throw WSManFault.invalidParameter(
                    "The method \(method.name) has no input parameter \(parameter.name). ")
            }
            inParameters[declaration.name] = try parameter.value.cimValue(
                as: declaration.dataType, embeddedInstanceClass: declaration.wsmanEmbeddedInstanceClass,
                schema: schema, namespace: namespace, mofInstanceParser: mofParser(for: namespace),
                named: declaration.name)
        }
        let result = try await objectManager.invokeMethod(method.name, on: target, inParameters: inParameters,
                                                          userName: userName)
        // OUT parameters in declaration order; Windows leaves NULL ones out.
        let outputs = method.outputParameters.compactMap { declaration -> WSManProperty? in
            guard let value = result[outParameter: declaration.name] else { return nil }
            return WSManProperty(name: declaration.name, value: value.wsmanValue(namespace: namespace))
        }
        let resourceURI = ResourceURI.wmi(namespace: namespace.name, className: className).description
        return .invoke(method: method.name, resourceURI: resourceURI, outputs: outputs,
                       returnValue: result.returnValue?.wsmanValue(namespace: namespace) ?? .null)
    }

    // MARK: - Resolution and typing

    private struct ClassResourceKey: Hashable {
        var resourceURI: String
        var cimNamespace: String?
    }

    private struct InstancePathKey: Hashable {
        var resourceURI: String?
        var selectors: SelectorSet
    }

    /// The instance a request's resource URI and selectors name, checked against the schema.
    private func instancePath(of request: WSManRequest) throws -> ResolvedInstancePath {
        let key = InstancePathKey(resourceURI: request.header.resourceURIText, selectors: request.header.selectors)
        if let resolved = instancePaths[key] { return resolved }
        let (namespace, className) = try classResource(of: request)
        let path = try request.header.selectors.objectPath(className: className, namespace: namespace, schema: schema)
        let resolved = try objectManager.resolve(path)
        instancePaths.insert(resolved, for: key)
        return resolved
    }

    /// The namespace and class a class resource URI names; the schema's spelling of the class.
    private func classResource(of request: WSManRequest) throws -> (CIMNamespace, String) {
        let text = request.header.resourceURIText ?? ""
        let key = ClassResourceKey(resourceURI: text, cimNamespace: request.header.selectors.cimNamespace)
        if let resolved = classResources[key] { return resolved }
        let resolved = try resolveClassResource(of: request)
        classResources.insert(resolved, for: key)
        return resolved
    }

    private func resolveClassResource(of request: WSManRequest) throws -> (CIMNamespace, String) {
        let text = request.header.resourceURIText ?? ""
        guard let uri = try request.header.resourceURI() else {
            throw WSManFault.messageInformationHeaderRequired("ResourceURI")
        }
        guard uri.kind != .other, let className = uri.className,
            let namespaceText = uri.resolvedNamespace(cimNamespaceSelector: request.header.selectors.cimNamespace)
        else { throw WSManFault.invalidResourceURI(text) }
        guard let namespace = CIMNamespace(namespaceText), schema.namespaces.contains(namespace) else {
            throw WSManFault.wmiInvalidNamespace(namespaceText)
        }
        guard let declared = schema.class(named: className, in: namespace) else {
            throw WSManFault.wmiInvalidClass(text)
        }
        return (namespace, declared.name)
    }

    private func typed(_ wire: WSManInstance, namespace: CIMNamespace, expectedClass: String) throws -> CIMInstance {
        try wire.cimInstance(schema: schema, namespace: namespace, expectedClass: expectedClass,
                             mofInstanceParser: mofParser(for: namespace))
    }

    private func mofParser(for namespace: CIMNamespace) -> ((String) throws -> CIMInstance)? {
        guard let mofInstanceParser else { return nil }
        return { text in try mofInstanceParser(text, namespace) }
    }

    private func fault(for error: any Error, request: WSManRequest) -> WSManFault {
        switch error {
        case let fault as WSManFault:
            return fault
        case let status as CIMStatus:
            return WSManFault(status, resourceURI: request.header.resourceURIText ?? "",
                              action: request.header.action)
        default:
            logger.error("provider failure", metadata: ["error": "\(error)", "action": "\(request.header.action)"])
            return .internalError("The WS-Management service cannot process the request: \(error) ")
        }
    }
}
