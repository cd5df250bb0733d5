import CIM
import Foundation
import LabControl
import Providers
import Testing

@testable import PeerTransport

@Suite("LabPeerLinkFaults: WMILab_Fault kinds 2 and 3 on peer links")
struct LabPeerLinkFaultsTests {
    private static let namespace: CIMNamespace = "root/wmilab"

    private static func schema() -> SchemaRepository {
        var builder = SchemaRepository.Builder()
        builder.addNamespace(namespace)
        let key = CIMQualifier(name: "Key", value: .boolean(true))
        let fault = CIMClass(
            name: "WMILab_Fault",
            properties: [
                CIMProperty(name: "FaultID", dataType: CIMDataType(.string), qualifiers: [key]),
                CIMProperty(name: "Kind", dataType: CIMDataType(.uint16)),
                CIMProperty(name: "TargetClass", dataType: CIMDataType(.string)),
                CIMProperty(name: "TargetMethod", dataType: CIMDataType(.string)),
                CIMProperty(name: "TargetPeer", dataType: CIMDataType(.string)),
                CIMProperty(name: "ReturnCode", dataType: CIMDataType(.uint32)),
                CIMProperty(name: "DelaySeconds", dataType: CIMDataType(.uint32)),
                CIMProperty(name: "RemainingCount", dataType: CIMDataType(.uint32)),
                CIMProperty(name: "TriggeredCount", dataType: CIMDataType(.uint32)),
            ])
        _ = builder.addClass(fault, in: namespace)
        return builder.build().repository
    }

    /// Runs `body` with an empty store of faults, removed afterwards.
    private func withStore(_ body: (InstanceStore) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wmilab-faults-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await body(try InstanceStore(database: try LabDatabase(directory: directory), schema: Self.schema()))
    }

    private func fault(
        _ id: String, kind: UInt16, peer: String? = nil, delay: UInt32? = nil, remaining: UInt32? = nil
    ) -> CIMInstance {
        var instance = CIMInstance(className: "WMILab_Fault")
        instance["FaultID"] = .string(id)
        instance["Kind"] = .uint16(kind)
        if let peer { instance["TargetPeer"] = .string(peer) }
        if let delay { instance["DelaySeconds"] = .uint32(delay) }
        if let remaining { instance["RemainingCount"] = .uint32(remaining) }
        return instance
    }

    private func counts(_ store: InstanceStore, _ id: String) -> (triggered: UInt64?, remaining: UInt64?) {
        let instance = store.instances(of: "WMILab_Fault", in: Self.namespace)
            .first { $0["FaultID"]?.stringValue == id }
        return (instance?["TriggeredCount"]?.uint64Value, instance?["RemainingCount"]?.uint64Value)
    }

    @Test("A dropped link (Kind 3) cuts its peer only, by short name or FQDN, and is counted")
    func droppedLink() async throws {
        try await withStore { store in
            try store.insert(fault("cut-hv02", kind: 3, peer: "WMILAB-HV02"), in: Self.namespace)
            let faults = LabPeerLinkFaults(store: store, timeScale: 1)
            let error = await peerError { try await faults.check(peer: "wmilab-hv02.lab.local") }
            #expect(error?.isUnreachable == true)
            #expect(error?.unreachableHost == "wmilab-hv02.lab.local")
            #expect(error?.message.contains("cut-hv02") == true)
            try await faults.check(peer: "WMILAB-HV03")
            #expect(counts(store, "cut-hv02").triggered == 1)
            #expect(counts(store, "cut-hv02").remaining == nil)
        }
    }

    @Test("A fault with RemainingCount fires that many times, then stays spent")
    func remainingCount() async throws {
        try await withStore { store in
            try store.insert(fault("flaky", kind: 3, peer: "WMILAB-HV02", remaining: 2), in: Self.namespace)
            let faults = LabPeerLinkFaults(store: store, timeScale: 1)
            #expect(await peerError { try await faults.check(peer: "WMILAB-HV02") }?.isUnreachable == true)
            #expect(await peerError { try await faults.check(peer: "WMILAB-HV02") }?.isUnreachable == true)
            try await faults.check(peer: "WMILAB-HV02")
            #expect(counts(store, "flaky") == (2, 0))
        }
    }

    @Test("Faults are read on every call: deleting one heals the link")
    func deletionHeals() async throws {
        try await withStore { store in
            let instance = fault("cut", kind: 3, peer: "WMILAB-HV02")
            let path = try store.insert(instance, in: Self.namespace)
            let faults = LabPeerLinkFaults(store: store, timeScale: 1)
            #expect(await peerError { try await faults.check(peer: "WMILAB-HV02") } != nil)
            try store.delete(at: path, in: Self.namespace)
            try await faults.check(peer: "WMILAB-HV02")
        }
    }

    @Test("A delay (Kind 2 with TargetPeer) sleeps DelaySeconds of lab time")
    func delay() async throws {
        try await withStore { store in
            try store.insert(fault("slow", kind: 2, peer: "WMILAB-HV02", delay: 30), in: Self.namespace)
            let faults = LabPeerLinkFaults(store: store, timeScale: 100)  // 30 lab seconds = 0.3 s
            let clock = ContinuousClock()
            let slow = try await clock.measure { try await faults.check(peer: "WMILAB-HV02") }
            let fast = try await clock.measure { try await faults.check(peer: "WMILAB-HV03") }
            #expect(slow >= .milliseconds(300))
            #expect(fast < .milliseconds(300))
            #expect(counts(store, "slow").triggered == 1)
        }
    }

    @Test("Method faults (Kind 1, Kind 2 without TargetPeer) leave peer links alone; Kind 3 without one cuts all")
    func otherKinds() async throws {
        try await withStore { store in
            try store.insert(fault("code", kind: 1, peer: "WMILAB-HV02"), in: Self.namespace)
            try store.insert(fault("method-delay", kind: 2, delay: 3600), in: Self.namespace)
            let faults = LabPeerLinkFaults(store: store, timeScale: 1)
            try await faults.check(peer: "WMILAB-HV02")
            #expect(counts(store, "code").triggered == nil)
            #expect(counts(store, "method-delay").triggered == nil)
            try store.insert(fault("all", kind: 3), in: Self.namespace)
            #expect(await peerError { try await faults.check(peer: "ANY-HOST") }?.isUnreachable == true)
        }
    }

    @Test("As PeerClient's link check, a dropped link fails the request before the peer sees it")
    func throughTheClient() async throws {
        try await withStore { store in
            try store.insert(fault("cut", kind: 3, peer: "WMILAB-HV02", remaining: 1), in: Self.namespace)
            let faults = LabPeerLinkFaults(store: store, timeScale: 1)
            let handler = RecordingHandler()
            try await withPeerHost(handler: handler) { host in
                try await withPeerClient(peers: ["WMILAB-HV02=\(host.address)"], linkCheck: faults.linkCheck) {
                    client in
                    let error = await peerError {
                        try await client.send(to: "WMILAB-HV02", operation: "ping", parameters: [],
                                              authentication: .sharedSecret)
                    }
                    #expect(error?.isUnreachable == true)
                    #expect(handler.requests.isEmpty)
                    _ = try await client.send(to: "WMILAB-HV02", operation: "ping", parameters: [],
                                              authentication: .sharedSecret)
                    #expect(handler.requests.count == 1)
                }
            }
        }
    }
}
