import BlockStore
import CIM
import Foundation
import Providers

/// `WMILab_VirtualDisk` methods: byte-level access to the lab's block-store disks, so a test can write into a
/// VM's disk on one host and compare digests on another.
///
/// The instances themselves live in the instance store (they come from the lab MOF); this provider only runs
/// the methods, on a disk file per `DeviceID` under `directory`, created on first use with the instance's
/// `SizeBytes` and `BlockSize`.
public final class LabDiskProvider: MethodProvider, @unchecked Sendable {
    /// The ValueMap of the class's methods.
    enum ReturnCode: UInt32 {
        case success = 0
        case failed = 4
        case invalidParameter = 5
    }

    /// The most a single ReadData may return; larger reads are refused as an invalid parameter, like an
    /// oversized WMI out-parameter would be.
    static let maxReadLength: UInt32 = 16 << 20

    private let catalog: LabDiskCatalog
    private let faults: LabDiskWriteFaults?

    public init(catalog: LabDiskCatalog, faults: LabDiskWriteFaults? = nil) {
        self.catalog = catalog
        self.faults = faults
    }

    public func invokeMethod(
        _ method: String, on target: CIMObjectPath, inParameters: [String: CIMValue?], context: ProviderContext
    ) async throws -> MethodResult {
        guard case .string(let deviceID)? = target[key: "DeviceID"] else {
            throw CIMStatus.invalidParameter("DeviceID")
        }
        let disk = try await catalog.disk(deviceID: deviceID, context: context)
        switch method.lowercased() {
        case "writedata":
            guard case .uint64(let offset)? = inParameters["Offset"] ?? nil,
                case .string(let text)? = inParameters["Base64Data"] ?? nil,
                let bytes = Data(base64Encoded: text, options: .ignoreUnknownCharacters)
            else { return Self.result(.invalidParameter) }
            guard Self.inRange(offset: offset, length: UInt64(bytes.count), of: disk) else {
                return Self.result(.invalidParameter)
            }
            do {
                try faults?.checkWrite(to: deviceID)
                try disk.write([UInt8](bytes), at: offset)
            } catch {
                context.logger.warning("WriteData failed", metadata: ["disk": "\(deviceID)", "error": "\(error)"])
                return Self.result(.failed)
            }
            return Self.result(.success)
        case "readdata":
            guard case .uint64(let offset)? = inParameters["Offset"] ?? nil,
                case .uint32(let length)? = inParameters["Length"] ?? nil,
                length <= Self.maxReadLength,
                Self.inRange(offset: offset, length: UInt64(length), of: disk)
            else { return Self.result(.invalidParameter, out: [("Base64Data", nil)]) }
            do {
                let bytes = try disk.read(at: offset, count: Int(length))
                return Self.result(.success, out: [("Base64Data", .string(Data(bytes).base64EncodedString()))])
            } catch {
                context.logger.warning("ReadData failed", metadata: ["disk": "\(deviceID)", "error": "\(error)"])
                return Self.result(.failed, out: [("Base64Data", nil)])
            }
        case "getdigest":
            do {
                let digest = try disk.digest()
                let hex = digest.map { String(format: "%02x", $0) }.joined()
                return Self.result(.success, out: [("Sha256", .string(hex))])
            } catch {
                context.logger.warning("GetDigest failed", metadata: ["disk": "\(deviceID)", "error": "\(error)"])
                return Self.result(.failed, out: [("Sha256", nil)])
            }
        default:
            throw CIMStatus.notSupported("WMILab_VirtualDisk has no method \(method)")
        }
    }

    private static func inRange(offset: UInt64, length: UInt64, of disk: VirtualDisk) -> Bool {
        offset <= disk.size && length <= disk.size - offset
    }

    private static func result(_ code: ReturnCode, out: [(String, CIMValue?)] = []) -> MethodResult {
        MethodResult(returnValue: .uint32(code.rawValue), outParameters: out.map { (name: $0.0, value: $0.1) })
    }
}
