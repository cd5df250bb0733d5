import Foundation

/// An immutable point-in-time view of a disk.
public struct RecoveryPoint: Sendable, Hashable, Identifiable {
    /// The point's ID, unique within its disk and never reused.
    public let id: UInt64
    /// The change-tracking epoch the point closed: blocks written after it have a larger epoch.
    public let epoch: UInt64
    /// When the point was taken.
    public let creationTime: Date
    /// Whether the point was taken with the application quiesced (VSS-style), as the caller declared.
    public let isApplicationConsistent: Bool
}

/// A block whose stored checksum does not match its data, found by ``VirtualDisk/verify()``.
public struct BadBlock: Sendable, Hashable, CustomStringConvertible {
    /// The block index.
    public let block: Int
    /// The recovery point whose view holds the bad block, or nil for the live disk.
    public let point: UInt64?

    public var description: String {
        point.map { "block \(block) (recovery point \($0))" } ?? "block \(block)"
    }
}
