import CIM
import Foundation
import Providers

/// The methods of `Msvm_ReplicationService` that configure the recovery side of a host: its settings
/// (`ModifyServiceSettings`) and its authorization entries, and the CIM_Service state methods, which the
/// Hyper-V Replica service does not support (A.1: they return 1).
///
/// The methods that act on a virtual machine's replication (CreateReplicationRelationship, StartReplication, …)
/// go to the ``ReplicationEngine``.
public struct ReplicationServiceProvider: MethodProvider {
    public static let namespace: CIMNamespace = "root/virtualization/v2"
    static let settingsClass = "Msvm_ReplicationServiceSettingData"
    static let authorizationClass = "Msvm_ReplicationAuthorizationSettingData"
    /// Properties ModifyServiceSettings may change; the rest of the instance is the host's own.
    static let writableSettings = [
        "RecoveryServerEnabled", "AllowedAuthenticationType", "CertificateThumbPrint", "HttpPort", "HttpsPort",
        "MonitoringInterval", "MonitoringStartTime",
    ]
    static let writableAuthorization = [
        "AllowedPrimaryHostSystem", "TrustGroup", "ReplicaStorageLocation", "ElementName",
    ]

    private let store: InstanceStore
    private let engine: ReplicationEngine
    /// Base64 DER of the certificates `GetSystemCertificates` lists (the host's TLS certificate, when it has one).
    private let systemCertificates: [String]

    public init(store: InstanceStore, engine: ReplicationEngine, systemCertificates: [String] = []) {
        self.store = store
        self.engine = engine
        self.systemCertificates = systemCertificates
    }

    public func invokeMethod(
        _ method: String, on target: CIMObjectPath, inParameters: [String: CIMValue?], context: ProviderContext
    ) async throws -> MethodResult {
        switch method.lowercased() {
        case "requeststatechange", "startservice", "stopservice":
            return Self.result(.notSupportedByService)
        case "modifyservicesettings":
            guard case .instance(let settings)? = inParameters["SettingData"] ?? nil else {
                return Self.result(.invalidParameter)
            }
            return try modifyServiceSettings(settings)
        case "addauthorizationentry":
            guard case .instance(let entry)? = inParameters["AuthorizationEntry"] ?? nil else {
                return Self.result(.invalidParameter)
            }
            return try addAuthorizationEntry(entry)
        case "modifyauthorizationentry":
            guard case .instance(let entry)? = inParameters["AuthorizationEntry"] ?? nil else {
                return Self.result(.invalidParameter)
            }
            return try modifyAuthorizationEntry(entry)
        case "removeauthorizationentry":
            guard case .string(let host)? = inParameters["AllowedPrimaryHostSystem"] ?? nil else {
                return Self.result(.invalidParameter)
            }
            guard let existing = authorizationEntry(for: host) else { return Self.result(.invalidParameter) }
            try store.delete(at: Self.path(of: existing, className: Self.authorizationClass), in: Self.namespace)
            return Self.result(.completed)
        case "getsystemcertificates":
            return MethodResult(returnValue: .uint32(0), outParameters: [
                ("EncodedCertificates", .array(systemCertificates.map { .string($0) }, elementType: .string)),
            ])
        case "setfailovernetworkadaptersettings":
            return try setFailoverNetworkAdapterSettings(inParameters)
        case "setauthorizationentry":
            guard case .instance(let entry)? = inParameters["AuthorizationEntry"] ?? nil,
                entry["AllowedPrimaryHostSystem"]?.stringValue?.isEmpty == false
            else { return Self.result(.invalidParameter) }
            return authorizationEntry(for: entry["AllowedPrimaryHostSystem"]?.stringValue ?? "") == nil
                ? try addAuthorizationEntry(entry) : try modifyAuthorizationEntry(entry)
        default:
            return try await engine.invoke(method, inParameters)
        }
    }

    /// Stores the failover IP settings of a VM's network adapters (A.8); IPAddresses and DHCPEnabled are required.
    private func setFailoverNetworkAdapterSettings(_ parameters: [String: CIMValue?]) throws -> MethodResult {
        guard case .array(let settings, _)? = parameters["NetworkSettings"] ?? nil else {
            return Self.result(.invalidParameter)
        }
        for case .instance(let setting) in settings {
            guard setting["DHCPEnabled"]?.boolValue != nil, setting.hasProperty("IPAddresses") else {
                return Self.result(.invalidParameter)
            }
            var stored = setting
            stored["InstanceID"] = stored["InstanceID"] ?? .string("Microsoft:" + UUID().uuidString)
            try store.insert(stored, in: Self.namespace, replacing: true)
        }
        return Self.result(.completed)
    }

    private func modifyServiceSettings(_ settings: CIMInstance) throws -> MethodResult {
        // A host has one settings instance; clients pass back what they read, InstanceID included or not.
        guard let current = store.instances(of: Self.settingsClass, in: Self.namespace).first else {
            return Self.result(.failed)
        }
        if case .uint32(let interval)? = settings["MonitoringInterval"], !(3600...604_800).contains(interval) {
            return Self.result(.invalidParameter)
        }
        var changes = CIMInstance(className: Self.settingsClass)
        for name in Self.writableSettings where settings.hasProperty(name) {
            changes[name] = settings[name]
        }
        try store.update(changes, at: Self.path(of: current, className: Self.settingsClass), in: Self.namespace)
        return Self.result(.completed)
    }

    private func addAuthorizationEntry(_ entry: CIMInstance) throws -> MethodResult {
        guard case .string(let host)? = entry["AllowedPrimaryHostSystem"], !host.isEmpty else {
            return Self.result(.invalidParameter)
        }
        if authorizationEntry(for: host) != nil { return Self.result(.invalidParameter) }
        var stored = CIMInstance(className: Self.authorizationClass)
        stored["InstanceID"] = .string("Microsoft:" + UUID().uuidString)
        for name in Self.writableAuthorization where entry.hasProperty(name) {
            stored[name] = entry[name]
        }
        try store.insert(stored, in: Self.namespace)
        return Self.result(.completed)
    }

    private func modifyAuthorizationEntry(_ entry: CIMInstance) throws -> MethodResult {
        guard case .string(let host)? = entry["AllowedPrimaryHostSystem"],
            let existing = authorizationEntry(for: host)
        else { return Self.result(.invalidParameter) }
        var changes = CIMInstance(className: Self.authorizationClass)
        for name in Self.writableAuthorization where entry.hasProperty(name) {
            changes[name] = entry[name]
        }
        try store.update(changes, at: Self.path(of: existing, className: Self.authorizationClass), in: Self.namespace)
        return Self.result(.completed)
    }

    private func authorizationEntry(for host: String) -> CIMInstance? {
        store.instances(of: Self.authorizationClass, in: Self.namespace).first {
            $0["AllowedPrimaryHostSystem"]?.stringValue?.caseInsensitiveCompare(host) == .orderedSame
        }
    }

    private static func path(of instance: CIMInstance, className: String) -> CIMObjectPath {
        instance.path(keyNames: ["InstanceID"], namespace: namespace)
    }

    /// Return codes of A.0 and A.1.
    enum Code: UInt32 {
        case completed = 0
        case notSupportedByService = 1
        case failed = 32768
        case invalidParameter = 32773
    }

    private static func result(_ code: Code) -> MethodResult {
        MethodResult(returnValue: .uint32(code.rawValue))
    }
}
