/// An error from the block store.
///
/// A public struct over a private enum, so that new cases can be added without breaking callers.
/// Match on ``kind``; read ``blockIndex``, ``diskPath`` and ``pointID`` for the details a caller may report.
public struct BlockStoreError: Error, CustomStringConvertible, Sendable {
    /// The category of a ``BlockStoreError``.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A block's stored checksum does not match its data.
        public static let corruptBlock = Kind("corruptBlock")
        /// The metadata (checkpoint or journal) of a disk is damaged.
        public static let corruptMetadata = Kind("corruptMetadata")
        /// A replication stream is malformed, truncated, or does not verify.
        public static let corruptStream = Kind("corruptStream")
        /// An offset or length lies outside the disk.
        public static let outOfRange = Kind("outOfRange")
        /// An argument is invalid (sizes, block sizes, manifests, ...).
        public static let invalidArgument = Kind("invalidArgument")
        /// No recovery point has the given ID.
        public static let pointNotFound = Kind("pointNotFound")
        /// A stream, map or export does not match the disk's geometry.
        public static let geometryMismatch = Kind("geometryMismatch")
        /// Another process holds the disk open.
        public static let diskInUse = Kind("diskInUse")
        /// A file system call failed.
        public static let io = Kind("io")
        /// The operation was used in the wrong state (a finished applier fed again, a closed disk, ...).
        public static let invalidState = Kind("invalidState")
    }

    private enum Base: Sendable {
        case corruptBlock(disk: String, block: Int, point: UInt64?)
        case corruptMetadata(disk: String, detail: String)
        case corruptStream(String)
        case outOfRange(String)
        case invalidArgument(String)
        case pointNotFound(disk: String, point: UInt64)
        case geometryMismatch(String)
        case diskInUse(String)
        case io(operation: String, path: String, errno: Int32)
        case invalidState(String)
    }

    private let base: Base
    private init(_ base: Base) { self.base = base }

    /// A block whose checksum fails; never returned as data.
    public static func corruptBlock(disk: String, block: Int, point: UInt64? = nil) -> BlockStoreError {
        BlockStoreError(.corruptBlock(disk: disk, block: block, point: point))
    }
    /// Damaged metadata in the disk at `disk`.
    public static func corruptMetadata(disk: String, _ detail: String) -> BlockStoreError {
        BlockStoreError(.corruptMetadata(disk: disk, detail: detail))
    }
    /// A malformed, truncated or unverifiable replication stream.
    public static func corruptStream(_ detail: String) -> BlockStoreError { BlockStoreError(.corruptStream(detail)) }
    /// An offset or length outside the disk.
    public static func outOfRange(_ detail: String) -> BlockStoreError { BlockStoreError(.outOfRange(detail)) }
    /// An invalid argument.
    public static func invalidArgument(_ detail: String) -> BlockStoreError { BlockStoreError(.invalidArgument(detail)) }
    /// No recovery point `point` in `disk`.
    public static func pointNotFound(disk: String, point: UInt64) -> BlockStoreError {
        BlockStoreError(.pointNotFound(disk: disk, point: point))
    }
    /// Geometry (size, block size) does not match.
    public static func geometryMismatch(_ detail: String) -> BlockStoreError {
        BlockStoreError(.geometryMismatch(detail))
    }
    /// The disk at `path` is open in another process.
    public static func diskInUse(_ path: String) -> BlockStoreError { BlockStoreError(.diskInUse(path)) }
    /// A failed system call.
    public static func io(_ operation: String, path: String, errno: Int32) -> BlockStoreError {
        BlockStoreError(.io(operation: operation, path: path, errno: errno))
    }
    /// Wrong use of an object in its current state.
    public static func invalidState(_ detail: String) -> BlockStoreError { BlockStoreError(.invalidState(detail)) }

    /// The category of this error.
    public var kind: Kind {
        switch base {
        case .corruptBlock: .corruptBlock
        case .corruptMetadata: .corruptMetadata
        case .corruptStream: .corruptStream
        case .outOfRange: .outOfRange
        case .invalidArgument: .invalidArgument
        case .pointNotFound: .pointNotFound
        case .geometryMismatch: .geometryMismatch
        case .diskInUse: .diskInUse
        case .io: .io
        case .invalidState: .invalidState
        }
    }

    /// The block index of a ``Kind/corruptBlock`` error.
    public var blockIndex: Int? {
        if case .corruptBlock(_, let block, _) = base { return block }
        return nil
    }

    /// The recovery point involved, if any.
    public var pointID: UInt64? {
        switch base {
        case .corruptBlock(_, _, let point): point
        case .pointNotFound(_, let point): point
        default: nil
        }
    }

    /// The disk involved, if any.
    public var diskPath: String? {
        switch base {
        case .corruptBlock(let disk, _, _), .corruptMetadata(let disk, _), .pointNotFound(let disk, _): disk
        case .diskInUse(let disk): disk
        default: nil
        }
    }

    public var description: String {
        switch base {
        case .corruptBlock(let disk, let block, let point):
            let at = point.map { " in recovery point \($0)" } ?? ""
            return "disk \(disk): block \(block)\(at) fails its checksum"
        case .corruptMetadata(let disk, let detail): return "disk \(disk): corrupt metadata: \(detail)"
        case .corruptStream(let detail): return "replication stream refused: \(detail)"
        case .outOfRange(let detail): return "out of range: \(detail)"
        case .invalidArgument(let detail): return "invalid argument: \(detail)"
        case .pointNotFound(let disk, let point): return "disk \(disk): no recovery point \(point)"
        case .geometryMismatch(let detail): return "geometry mismatch: \(detail)"
        case .diskInUse(let path): return "disk \(path) is open in another process"
        case .io(let operation, let path, let errno):
            return "\(operation) \(path): \(String(cString: strerror(errno)))"
        case .invalidState(let detail): return "invalid state: \(detail)"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
