import Foundation

/// A disk exported to a directory a person can inspect: `manifest.json` and `disk.img`, the raw logical
/// content (sparse: zero blocks are holes). The manifest lists every non-zero block with its SHA-256.
public struct DiskExport: Codable, Sendable, Equatable {
    /// One non-zero block.
    public struct Block: Codable, Sendable, Equatable {
        /// The block index.
        public var index: Int
        /// Lower-case hex SHA-256 of the block's content.
        public var sha256: String
    }

    /// Always `wmilab-disk-export`.
    public var format: String
    /// The export format version, 1.
    public var version: Int
    /// The disk's identity.
    public var identity: UUID
    /// The logical size in bytes.
    public var size: UInt64
    /// The block size in bytes.
    public var blockSize: Int
    /// The image file's name inside the directory.
    public var image: String
    /// SHA-256 of the whole logical content, hex.
    public var sha256: String
    /// The non-zero blocks, in ascending order.
    public var blocks: [Block]

    static let formatName = "wmilab-disk-export"
    static let manifestName = "manifest.json"
}

extension VirtualDisk {
    /// Writes the live disk (or recovery point `point`) to `directory` as `manifest.json` and `disk.img`.
    @discardableResult
    public func export(to directory: String, point: UInt64? = nil,
                       progress: ((Double) -> Void)? = nil) throws -> DiskExport {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let view = try makeView(point: point)
        defer { view.release() }
        let imagePath = directory + "/disk.img"
        let image = try RawFile(path: imagePath, create: true)
        try image.truncate(to: 0)
        try image.truncate(to: size)
        let whole = SHA256()
        let zeros = [UInt8](repeating: 0, count: blockSize)
        var buffer = [UInt8](repeating: 0, count: blockSize)
        var blocks: [DiskExport.Block] = []
        for (index, ref) in view.refs.enumerated() {
            if ref.slot == 0 {
                whole.update(zeros)
            } else {
                try buffer.withUnsafeMutableBytes { try readBlock(index, ref: ref, point: point, into: $0) }
                whole.update(buffer)
                try image.write(buffer, at: UInt64(index) * UInt64(blockSize))
                blocks.append(.init(index: index, sha256: buffer.withUnsafeBytes { SHA256.hash($0) }.hexString))
            }
            if index % 256 == 0 { progress?(Double(index) / Double(blockCount)) }
        }
        try image.sync()
        let manifest = DiskExport(format: DiskExport.formatName, version: 1, identity: identity, size: size,
                                  blockSize: blockSize, image: "disk.img", sha256: whole.finalize().hexString,
                                  blocks: blocks)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let manifestPath = directory + "/" + DiskExport.manifestName
        do {
            try encoder.encode(manifest).write(to: URL(fileURLWithPath: manifestPath), options: .atomic)
        } catch {
            throw BlockStoreError.io("write", path: manifestPath, errno: EIO)
        }
        return manifest
    }

    /// Creates a disk at `path` from an export in `directory`, verifying every block against the manifest.
    public static func importDisk(from directory: String, to path: String,
                                  progress: ((Double) -> Void)? = nil) throws -> VirtualDisk {
        let manifestPath = directory + "/" + DiskExport.manifestName
        guard let json = FileManager.default.contents(atPath: manifestPath) else {
            throw BlockStoreError.invalidArgument("\(manifestPath) cannot be read")
        }
        let manifest: DiskExport
        do {
            manifest = try JSONDecoder().decode(DiskExport.self, from: json)
        } catch {
            throw BlockStoreError.invalidArgument("\(manifestPath) is not a valid export manifest: \(error)")
        }
        guard manifest.format == DiskExport.formatName, manifest.version == 1 else {
            throw BlockStoreError.invalidArgument(
                "\(manifestPath): unsupported format \(manifest.format) v\(manifest.version)")
        }
        guard !manifest.image.contains("/"), !manifest.image.hasPrefix(".") else {
            throw BlockStoreError.invalidArgument(
                "\(manifestPath): image name \(manifest.image) is not a plain file name")
        }
        let image = try RawFile(path: directory + "/" + manifest.image, readOnly: true)
        guard try image.size() == manifest.size else {
            throw BlockStoreError.geometryMismatch("\(manifest.image) is not \(manifest.size) bytes long")
        }
        var previous = -1
        let blockCount = manifest.blockSize > 0 ? Int(manifest.size / UInt64(manifest.blockSize)) : 0
        for block in manifest.blocks {
            guard block.index > previous, block.index < blockCount else {
                throw BlockStoreError.invalidArgument("\(manifestPath): block \(block.index) is out of order or range")
            }
            previous = block.index
        }
        let disk = try create(at: path, size: manifest.size, blockSize: manifest.blockSize,
                              identity: manifest.identity)
        do {
            try copyBlocks(manifest, from: image, directory: directory, to: disk, progress: progress)
        } catch {
            try? disk.close()
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        return disk
    }

    private static func copyBlocks(_ manifest: DiskExport, from image: RawFile, directory: String,
                                   to disk: VirtualDisk, progress: ((Double) -> Void)?) throws {
        var run: [UInt8] = []
        var runStart = -1
        var buffer = [UInt8](repeating: 0, count: manifest.blockSize)
        let maxRun = max(1, (4 << 20) / manifest.blockSize)
        func flush() throws {
            if !run.isEmpty { try disk.write(run, at: UInt64(runStart) * UInt64(manifest.blockSize)) }
            run.removeAll(keepingCapacity: true)
        }
        for (n, block) in manifest.blocks.enumerated() {
            let at = UInt64(block.index) * UInt64(manifest.blockSize)
            try buffer.withUnsafeMutableBytes { try image.read(into: $0, at: at) }
            guard buffer.withUnsafeBytes({ SHA256.hash($0) }).hexString == block.sha256.lowercased() else {
                throw BlockStoreError.corruptBlock(disk: directory + "/" + manifest.image, block: block.index)
            }
            let runBlocks = run.count / manifest.blockSize
            if run.isEmpty || runStart + runBlocks != block.index || runBlocks >= maxRun {
                try flush()
                runStart = block.index
            }
            run.append(contentsOf: buffer)
            if n % 256 == 0 { progress?(Double(n) / Double(max(1, manifest.blocks.count))) }
        }
        try flush()
    }
}
