import BlockStore
import CIM
import Foundation
import Providers

/// The block-store disks of one lab host, one file per `WMILab_VirtualDisk.DeviceID`.
///
/// A DeviceID is a Windows-looking path (`C:\ProgramData\wmilab\Virtual Hard Disks\app01.vhdx`); its file is
/// the case-folded DeviceID with every character a file name should not hold replaced by `_`, since Windows
/// paths compare case-insensitively.
public actor LabDiskCatalog {
    public static let namespace: CIMNamespace = "root/wmilab"

    private let directory: URL
    private let store: InstanceStore
    private var open: [String: VirtualDisk] = [:]

    public init(directory: URL, store: InstanceStore) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.directory = directory
        self.store = store
    }

    /// The disk a DeviceID names, created with its instance's size and block size on first use.
    public func disk(deviceID: String, context: ProviderContext) throws -> VirtualDisk {
        let key = deviceID.lowercased()
        if let disk = open[key] { return disk }
        let path = directory.appendingPathComponent(Self.fileName(for: key)).path
        let disk: VirtualDisk
        if FileManager.default.fileExists(atPath: path) {
            disk = try VirtualDisk.open(at: path)
        } else {
            guard let instance = store.instance(at: Self.instancePath(deviceID: deviceID), in: Self.namespace) else {
                throw CIMStatus.notFound("No WMILab_VirtualDisk with DeviceID \(deviceID)")
            }
            guard case .uint64(let size)? = instance["SizeBytes"] else {
                throw CIMStatus.failed("WMILab_VirtualDisk \(deviceID) has no SizeBytes")
            }
            var blockSize = VirtualDisk.defaultBlockSize
            if case .uint32(let declared)? = instance["BlockSize"] { blockSize = Int(declared) }
            disk = try VirtualDisk.create(at: path, size: size, blockSize: blockSize)
        }
        open[key] = disk
        return disk
    }

    /// Removes the disk a DeviceID names: closes it, deletes its files, then its `WMILab_VirtualDisk` instance.
    /// Removing a disk that is already gone does nothing.
    public func remove(deviceID: String) throws {
        let key = deviceID.lowercased()
        if let disk = open.removeValue(forKey: key) { try? disk.close() }
        let url = directory.appendingPathComponent(Self.fileName(for: key))
        if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
        let instancePath = Self.instancePath(deviceID: deviceID)
        if store.instance(at: instancePath, in: Self.namespace) != nil {
            try store.delete(at: instancePath, in: Self.namespace)
        }
    }

    /// The path of the `WMILab_VirtualDisk` instance a DeviceID names.
    public static func instancePath(deviceID: String) -> CIMObjectPath {
        CIMObjectPath(namespace: namespace, className: "WMILab_VirtualDisk",
                      keyBindings: [CIMKeyBinding(name: "DeviceID", value: .string(deviceID))])
    }

    static func fileName(for key: String) -> String {
        String(key.unicodeScalars.map { scalar -> Character in
            let safe = ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "." || scalar == "-"
            return safe ? Character(scalar) : "_"
        }) + ".disk"
    }
}
