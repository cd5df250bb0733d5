import CIM

/// The settings of one replication relationship, as a client passes them in `Msvm_ReplicationSettingData`
/// (A.4) to `CreateReplicationRelationship`, `ModifyReplicationSettings` or `ReverseReplicationRelationship`.
struct ReplicationSettings: Codable, Sendable, Hashable {
    /// The recovery host's name; `--peer` says where it resolves.
    var recoveryConnectionPoint: String
    var recoveryServerPortNumber: UInt16
    /// 1 Kerberos (the lab's shared secret), 2 Certificate (a TLS client certificate).
    var authenticationType: UInt16
    var certificateThumbPrint: String?
    var compressionEnabled: Bool
    var bypassProxyServer: Bool
    /// Seconds between delta cycles: 30, 300 or 900.
    var replicationInterval: UInt16
    /// Additional recovery points kept on the replica, 0…24.
    var recoveryHistory: UInt16
    /// Hours between application-consistent points, 0 for none.
    var applicationConsistentSnapshotInterval: UInt16

    static let allowedIntervals: Set<UInt16> = [30, 300, 900]

    /// Reads and checks the settings a client passed; properties it left out keep `base`'s values (or the
    /// Windows defaults). Bad values are refused with 32773, as Windows refuses them.
    init(_ instance: CIMInstance, base: ReplicationSettings? = nil) throws(ReplicationRefusal) {
        func text(_ name: String) -> String? { instance[name]?.stringValue }
        func number(_ name: String) -> UInt64? {
            guard let value = instance[name], let number = value.int64Value, number >= 0 else { return nil }
            return UInt64(number)
        }
        func flag(_ name: String) -> Bool? { instance[name]?.boolValue }

        let point = text("RecoveryConnectionPoint") ?? base?.recoveryConnectionPoint ?? ""
        guard !point.isEmpty else {
            throw .invalidParameter("RecoveryConnectionPoint must name the recovery server.")
        }
        recoveryConnectionPoint = point
        recoveryServerPortNumber = UInt16(clamping: number("RecoveryServerPortNumber") ?? 0)
        let authentication = number("AuthenticationType").map { UInt16(clamping: $0) } ?? base?.authenticationType ?? 1
        guard authentication == 1 || authentication == 2 else {
            throw .invalidParameter("AuthenticationType \(authentication) is not 1 (Kerberos) or 2 (Certificate).")
        }
        authenticationType = authentication
        certificateThumbPrint = text("CertificateThumbPrint") ?? base?.certificateThumbPrint
        if authentication == 2, (certificateThumbPrint ?? "").isEmpty {
            throw .invalidParameter("Certificate authentication needs a CertificateThumbPrint.")
        }
        compressionEnabled = flag("CompressionEnabled") ?? base?.compressionEnabled ?? true
        bypassProxyServer = flag("BypassProxyServer") ?? base?.bypassProxyServer ?? false
        let interval = number("ReplicationInterval").map { UInt16(clamping: $0) } ?? base?.replicationInterval ?? 300
        guard Self.allowedIntervals.contains(interval) else {
            throw .invalidParameter("ReplicationInterval \(interval) is not 30, 300 or 900 seconds.")
        }
        replicationInterval = interval
        let history = number("RecoveryHistory").map { UInt16(clamping: $0) } ?? base?.recoveryHistory ?? 0
        guard history <= 24 else { throw .invalidParameter("RecoveryHistory \(history) is more than 24.") }
        recoveryHistory = history
        let consistent = number("ApplicationConsistentSnapshotInterval").map { UInt16(clamping: $0) }
            ?? base?.applicationConsistentSnapshotInterval ?? 0
        guard consistent <= 12 else {
            throw .invalidParameter("ApplicationConsistentSnapshotInterval \(consistent) is more than 12 hours.")
        }
        applicationConsistentSnapshotInterval = consistent
    }

    /// The properties of `Msvm_ReplicationSettingData` these settings set.
    var properties: [(String, CIMValue?)] {
        [
            ("RecoveryConnectionPoint", .string(recoveryConnectionPoint)),
            ("RecoveryServerPortNumber", .uint16(recoveryServerPortNumber)),
            ("AuthenticationType", .uint16(authenticationType)),
            ("CertificateThumbPrint", certificateThumbPrint.map { .string($0) }),
            ("CompressionEnabled", .boolean(compressionEnabled)),
            ("BypassProxyServer", .boolean(bypassProxyServer)),
            ("ReplicationInterval", .uint16(replicationInterval)),
            ("RecoveryHistory", .uint16(recoveryHistory)),
            ("ApplicationConsistentSnapshotInterval", .uint16(applicationConsistentSnapshotInterval)),
        ]
    }
}
