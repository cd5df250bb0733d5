import CIM
import Foundation
import LabControl
import Providers

/// The `root/virtualization/v2` and `root/wmilab` instances that describe this host's virtual machines, read and
/// written in the instance store: the VM, its settings, its disks, its replication settings and relationships.
struct VirtualMachineInventory: Sendable {
    static let namespace: CIMNamespace = "root/virtualization/v2"
    static let labNamespace: CIMNamespace = "root/wmilab"
    static let realizedType = "Microsoft:Hyper-V:System:Realized"
    static let replicaType = "Microsoft:Hyper-V:Replica"

    let store: InstanceStore
    let hostName: String

    // MARK: Paths

    static func computerSystemPath(_ name: String) -> CIMObjectPath {
        CIMObjectPath(namespace: namespace, className: "Msvm_ComputerSystem", keyBindings: [
            CIMKeyBinding(name: "CreationClassName", value: .string("Msvm_ComputerSystem")),
            CIMKeyBinding(name: "Name", value: .string(name)),
        ])
    }

    static func instanceIDPath(_ className: String, _ instanceID: String,
                               in namespace: CIMNamespace = namespace) -> CIMObjectPath {
        CIMObjectPath(namespace: namespace, className: className,
                      keyBindings: [CIMKeyBinding(name: "InstanceID", value: .string(instanceID))])
    }

    static func relationshipID(_ vmName: String, _ side: ReplicationRelationshipSide) -> String {
        "Microsoft:\(vmName)" + side.instanceIDSuffix
    }

    // MARK: Reading

    func computerSystem(_ name: String) -> CIMInstance? {
        store.instance(at: Self.computerSystemPath(name), in: Self.namespace)
    }

    /// The VM a `ComputerSystem` REF names, or nil (the host itself is not a VM).
    func virtualMachine(at path: CIMObjectPath?) -> CIMInstance? {
        guard let name = path?[key: "Name"]?.stringValue, let vm = computerSystem(name),
            vm["Caption"]?.stringValue != "Hosting Computer System"
        else { return nil }
        return vm
    }

    func enabledState(of vmName: String) -> EnabledState {
        let raw = computerSystem(vmName)?["EnabledState"]?.int64Value ?? 3
        return EnabledState(rawValue: UInt16(clamping: raw)) ?? .unknown
    }

    /// The realized `Msvm_VirtualSystemSettingData` of a VM.
    func systemSettings(of vmName: String) -> CIMInstance? {
        store.instances(of: "Msvm_VirtualSystemSettingData", in: Self.namespace).first {
            $0["VirtualSystemIdentifier"]?.stringValue?.caseInsensitiveCompare(vmName) == .orderedSame
                && $0["VirtualSystemType"]?.stringValue == Self.realizedType
        }
    }

    /// The `WMILab_VirtualDisk.DeviceID` of each virtual hard disk of a VM, in settings order:
    /// VSSD → Msvm_VirtualSystemSettingDataComponent → Msvm_StorageAllocationSettingData.HostResource[0].
    func diskDeviceIDs(of vmName: String) -> [String] {
        guard let vssdID = systemSettings(of: vmName)?["InstanceID"]?.stringValue else { return [] }
        return store.instances(of: "Msvm_VirtualSystemSettingDataComponent", in: Self.namespace).compactMap {
            component -> String? in
            guard case .reference(let group)? = component["GroupComponent"],
                group[key: "InstanceID"]?.stringValue == vssdID,
                case .reference(let part)? = component["PartComponent"],
                let partID = part[key: "InstanceID"]?.stringValue,
                let sasd = store.instance(
                    at: Self.instanceIDPath("Msvm_StorageAllocationSettingData", partID), in: Self.namespace),
                sasd["ResourceType"]?.int64Value == 31,
                case .array(let resources, _)? = sasd["HostResource"], let first = resources.first?.stringValue
            else { return nil }
            return first
        }
    }

    func labDisk(_ deviceID: String) -> CIMInstance? {
        store.instance(at: LabDiskCatalog.instancePath(deviceID: deviceID), in: Self.labNamespace)
    }

    func replicationSettings(of vmName: String, _ side: ReplicationRelationshipSide) -> CIMInstance? {
        store.instance(at: Self.instanceIDPath("Msvm_ReplicationSettingData", Self.relationshipID(vmName, side)),
                       in: Self.namespace)
    }

    /// The host's `Msvm_ReplicationServiceSettingData`.
    var serviceSettings: CIMInstance? {
        store.instances(of: "Msvm_ReplicationServiceSettingData", in: Self.namespace).first
    }

    var authorizationEntries: [CIMInstance] {
        store.instances(of: "Msvm_ReplicationAuthorizationSettingData", in: Self.namespace)
    }

    // MARK: Writing

    func update(_ path: CIMObjectPath, _ values: [(String, CIMValue?)]) throws {
        var changes = CIMInstance(className: path.className)
        for (name, value) in values { changes[name] = value }
        try store.update(changes, at: path, in: path.namespace ?? Self.namespace)
    }

    func setEnabledState(_ state: EnabledState, of vmName: String, now: Date) throws {
        try update(Self.computerSystemPath(vmName), [
            ("EnabledState", .uint16(state.rawValue)),
            ("RequestedState", .uint16(state == .enabled ? 2 : 3)),
            ("TimeOfLastStateChange", .datetime(CIMDateTime(date: now))),
        ])
    }

    /// Creates a replica (or extended replica, or test) VM on this host: the VM, its settings, one disk per
    /// entry of `disks` under `storageLocation`, its (disabled) replication settings, and their associations.
    /// Returns the DeviceIDs of the new disks.
    func createVirtualMachine(
        name: String, elementName: String, disks: [DiskGeometry], storageLocation: String, now: Date
    ) throws -> [String] {
        let vmPath = Self.computerSystemPath(name)
        var vm = CIMInstance(className: "Msvm_ComputerSystem")
        for (key, value) in [
            ("CreationClassName", CIMValue.string("Msvm_ComputerSystem")), ("Name", .string(name)),
            ("ElementName", .string(elementName)), ("Caption", .string("Virtual Machine")),
            ("Description", .string("Microsoft Virtual Computer System")), ("EnabledState", .uint16(3)),
            ("RequestedState", .uint16(3)), ("EnabledDefault", .uint16(2)), ("HealthState", .uint16(5)),
            ("OperationalStatus", .array([.uint16(2)], elementType: .uint16)),
            ("StatusDescriptions", .array([.string("Operating normally")], elementType: .string)),
            ("TimeOfLastStateChange", .datetime(CIMDateTime(date: now))), ("ResetCapability", .uint16(1)),
            ("NumberOfNumaNodes", .uint16(1)), ("ReplicationMode", .uint16(0)), ("ReplicationState", .uint16(0)),
            ("ReplicationHealth", .uint16(0)),
        ] {
            vm[key] = value
        }
        try store.insert(vm, in: Self.namespace, replacing: true)

        let vssdID = "Microsoft:\(name)"
        var vssd = CIMInstance(className: "Msvm_VirtualSystemSettingData")
        for (key, value) in [
            ("InstanceID", CIMValue.string(vssdID)), ("ElementName", .string(elementName)),
            ("Caption", .string("Virtual Machine Settings")),
            ("Description", .string("Active settings for the virtual machine.")),
            ("VirtualSystemIdentifier", .string(name)), ("VirtualSystemType", .string(Self.realizedType)),
            ("VirtualSystemSubType", .string("Microsoft:Hyper-V:SubType:2")), ("ConfigurationID", .string(name)),
            ("CreationTime", .datetime(CIMDateTime(date: now))), ("IsSaved", .boolean(false)),
        ] {
            vssd[key] = value
        }
        try store.insert(vssd, in: Self.namespace, replacing: true)
        let vssdPath = Self.instanceIDPath("Msvm_VirtualSystemSettingData", vssdID)
        try insertAssociation("Msvm_SettingsDefineState", ("ManagedElement", vmPath), ("SettingData", vssdPath))

        var deviceIDs: [String] = []
        let folder = storageLocation.hasSuffix("\\") ? String(storageLocation.dropLast()) : storageLocation
        for (index, disk) in disks.enumerated() {
            let deviceID = "\(folder)\\Hyper-V Replica\\Virtual hard disks\\\(name)\\\(disk.fileName)"
            deviceIDs.append(deviceID)
            let sasdID = "Microsoft:\(name)\\\(UUID().uuidString)\\0\\\(index)\\L"
            var sasd = CIMInstance(className: "Msvm_StorageAllocationSettingData")
            for (key, value) in [
                ("InstanceID", CIMValue.string(sasdID)), ("ElementName", .string("Hard Disk Image")),
                ("Caption", .string("Hard Disk Image")), ("ResourceType", .uint16(31)),
                ("ResourceSubType", .string("Microsoft:Hyper-V:Virtual Hard Disk")),
                ("HostResource", .array([.string(deviceID)], elementType: .string)),
                ("AddressOnParent", .string(String(index))), ("Limit", .uint64(1)),
                ("VirtualQuantityUnits", .string("count(fixed size block)")), ("Access", .uint16(3)),
            ] {
                sasd[key] = value
            }
            try store.insert(sasd, in: Self.namespace, replacing: true)
            try insertAssociation("Msvm_VirtualSystemSettingDataComponent", ("GroupComponent", vssdPath),
                                  ("PartComponent", Self.instanceIDPath("Msvm_StorageAllocationSettingData", sasdID)))
            var labDisk = CIMInstance(className: "WMILab_VirtualDisk")
            labDisk["DeviceID"] = .string(deviceID)
            labDisk["ElementName"] = .string(disk.fileName)
            labDisk["VirtualMachineName"] = .string(elementName)
            labDisk["HostName"] = .string(hostName)
            labDisk["SizeBytes"] = .uint64(disk.size)
            labDisk["BlockSize"] = .uint32(UInt32(clamping: disk.blockSize))
            try store.insert(labDisk, in: Self.labNamespace, replacing: true)
        }
        try ensureReplicationSettings(of: name, elementName: elementName, .primary)
        return deviceIDs
    }

    /// The VM's `Msvm_ReplicationSettingData` for `side`, created (disabled, Windows defaults) when missing,
    /// associated with the VM through `Msvm_ElementSettingData`.
    func ensureReplicationSettings(of vmName: String, elementName: String, _ side: ReplicationRelationshipSide)
        throws
    {
        guard replicationSettings(of: vmName, side) == nil else { return }
        let id = Self.relationshipID(vmName, side)
        var rsd = CIMInstance(className: "Msvm_ReplicationSettingData")
        for (key, value) in [
            ("InstanceID", CIMValue.string(id)), ("ElementName", .string(elementName)),
            ("Caption", .string("Replication Settings")),
            ("Description", .string("Virtual Machine Replication Settings Data")),
            ("VirtualSystemIdentifier", .string(vmName)), ("VirtualSystemType", .string(Self.replicaType)),
            ("AuthenticationType", .uint16(1)), ("CompressionEnabled", .boolean(true)),
            ("BypassProxyServer", .boolean(false)), ("RecoveryServerPortNumber", .uint16(0)),
            ("ReplicateHostKvpItems", .boolean(true)), ("RecoveryHistory", .uint16(0)),
            ("AutoResynchronizeEnabled", .boolean(false)),
            ("EnableWriteOrderPreservationAcrossDisks", .boolean(true)), ("ReplicationInterval", .uint16(300)),
        ] {
            rsd[key] = value
        }
        try store.insert(rsd, in: Self.namespace, replacing: true)
        try insertAssociation(
            "Msvm_ElementSettingData", ("ManagedElement", Self.computerSystemPath(vmName)),
            ("SettingData", Self.instanceIDPath("Msvm_ReplicationSettingData", id)),
            extra: [("IsDefault", .uint16(0)), ("IsCurrent", .uint16(0)), ("IsNext", .uint16(0))])
    }

    func insertAssociation(
        _ className: String, _ first: (String, CIMObjectPath), _ second: (String, CIMObjectPath),
        extra: [(String, CIMValue)] = []
    ) throws {
        var association = CIMInstance(className: className)
        association[first.0] = .reference(first.1)
        association[second.0] = .reference(second.1)
        for (name, value) in extra { association[name] = value }
        try store.insert(association, in: Self.namespace, replacing: true)
    }

    func deleteIfPresent(_ path: CIMObjectPath) {
        try? store.delete(at: path, in: path.namespace ?? Self.namespace)
    }

    /// Association instances of `className` whose reference `role` points at `path`.
    func associations(_ className: String, role: String, to path: CIMObjectPath) -> [CIMInstance] {
        store.instances(of: className, in: Self.namespace).filter {
            guard case .reference(let target)? = $0[role] else { return false }
            return target.refersToSameInstance(as: path)
        }
    }
}

/// The shape of a disk a primary asks the recovery host to create.
struct DiskGeometry: Codable, Sendable, Hashable {
    var fileName: String
    var size: UInt64
    var blockSize: Int
}
