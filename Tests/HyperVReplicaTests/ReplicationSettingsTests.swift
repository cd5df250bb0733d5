import CIM
import Testing

@testable import HyperVReplica

/// `Msvm_ReplicationSettingData` as clients pass it: good values taken, bad ones refused with 32773.
struct ReplicationSettingsTests {
    static func settings(_ values: [(String, CIMValue?)]) -> CIMInstance {
        var instance = CIMInstance(className: "Msvm_ReplicationSettingData")
        for (name, value) in values { instance[name] = value }
        return instance
    }

    @Test func readsWhatTheClientSet() throws {
        let parsed = try ReplicationSettings(Self.settings([
            ("RecoveryConnectionPoint", .string("WMILAB-HV02")), ("AuthenticationType", .uint16(1)),
            ("ReplicationInterval", .uint16(30)), ("RecoveryHistory", .uint16(4)),
            ("CompressionEnabled", .boolean(false)), ("ApplicationConsistentSnapshotInterval", .uint16(2)),
        ]))
        #expect(parsed.recoveryConnectionPoint == "WMILAB-HV02")
        #expect(parsed.replicationInterval == 30)
        #expect(parsed.recoveryHistory == 4)
        #expect(parsed.compressionEnabled == false)
        #expect(parsed.applicationConsistentSnapshotInterval == 2)
    }

    @Test func leavesOutPropertiesToTheBaseOrTheWindowsDefaults() throws {
        let parsed = try ReplicationSettings(Self.settings([("RecoveryConnectionPoint", .string("hv02"))]))
        #expect(parsed.replicationInterval == 300)
        #expect(parsed.authenticationType == 1)
        #expect(parsed.compressionEnabled)
        let modified = try ReplicationSettings(Self.settings([("RecoveryHistory", .uint16(2))]), base: parsed)
        #expect(modified.recoveryConnectionPoint == "hv02")
        #expect(modified.recoveryHistory == 2)
    }

    @Test(arguments: [
        [("ReplicationInterval", CIMValue.uint16(60))],
        [("RecoveryHistory", .uint16(25))],
        [("AuthenticationType", .uint16(3))],
        [("AuthenticationType", .uint16(2))],  // certificate without a thumbprint
        [("ApplicationConsistentSnapshotInterval", .uint16(13))],
        [("RecoveryConnectionPoint", .string(""))],
    ])
    func refusesBadValuesWithInvalidParameter(_ bad: [(String, CIMValue)]) {
        var values: [(String, CIMValue?)] = [("RecoveryConnectionPoint", .string("hv02"))]
        values += bad.map { ($0.0, $0.1) }
        #expect {
            _ = try ReplicationSettings(Self.settings(values))
        } throws: { error in
            (error as? ReplicationRefusal)?.returnCode == .invalidParameter
        }
    }

    @Test(arguments: [
        ("WMILAB-HV01", "*", true), ("WMILAB-HV01", "wmilab-hv01", true),
        ("WMILAB-HV01.lab.local", "WMILAB-HV01", true), ("WMILAB-HV01", "WMILAB-HV01.lab.local", true),
        ("hv01.lab.local", "*.lab.local", true), ("hv01.other", "*.lab.local", false),
        ("WMILAB-HV01", "WMILAB-HV02", false), ("10.0.0.1", "10.0.0.2", false),
    ])
    func authorizationEntriesMatchHostNames(host: String, pattern: String, matches: Bool) {
        #expect(ReplicationEngine.host(host, matches: pattern) == matches)
    }
}
