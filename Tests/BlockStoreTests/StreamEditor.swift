import Foundation

@testable import BlockStore

/// A replication stream taken apart by the layout of docs/replication-stream.md, to be altered and put back
/// together by the rules of either format version: the tests' own encoder, independent of the producer.
struct StreamEditor {
    struct Frame: Equatable {
        /// The type byte and the rest of the frame's header: 18 bytes of a data frame, the 9 of a zero frame.
        var head: [UInt8]
        /// The stored data of a data frame.
        var payload: [UInt8]

        var isData: Bool { head[0] == 1 }
        var isZlib: Bool { isData && head[1] == 1 }
    }

    struct LayoutError: Error, CustomStringConvertible {
        let description: String
    }

    static let headerSize = 60

    var header: [UInt8]
    var frames: [Frame]
    var frameCount: UInt64
    var mapDigest: [UInt8]
    var streamDigest: [UInt8]

    init(_ stream: [UInt8]) throws {
        guard stream.count >= Self.headerSize else { throw LayoutError(description: "shorter than a header") }
        header = Array(stream[0..<Self.headerSize])
        frames = []
        var at = Self.headerSize
        while true {
            guard at < stream.count else { throw LayoutError(description: "no trailer") }
            switch stream[at] {
            case 1:
                guard at + 18 <= stream.count else { throw LayoutError(description: "data frame cut at \(at)") }
                let head = Array(stream[at..<at + 18])
                let length = Int(Self.integer(UInt32.self, head, at: 10))
                guard at + 18 + length <= stream.count else { throw LayoutError(description: "data cut at \(at)") }
                frames.append(Frame(head: head, payload: Array(stream[at + 18..<at + 18 + length])))
                at += 18 + length
            case 2:
                guard at + 9 <= stream.count else { throw LayoutError(description: "zero frame cut at \(at)") }
                frames.append(Frame(head: Array(stream[at..<at + 9]), payload: []))
                at += 9
            case 0x7F:
                guard at + 73 == stream.count else { throw LayoutError(description: "trailer of the wrong size") }
                frameCount = Self.integer(UInt64.self, Array(stream[at + 1..<at + 9]), at: 0)
                mapDigest = Array(stream[at + 9..<at + 41])
                streamDigest = Array(stream[at + 41..<at + 73])
                return
            case let type:
                throw LayoutError(description: "frame type \(type) at \(at)")
            }
        }
    }

    var version: UInt16 { Self.integer(UInt16.self, header, at: 8) }

    /// Sets the header's version field and its CRC-32 to match.
    mutating func setVersion(_ version: UInt16) {
        header[8] = UInt8(version & 0xFF)
        header[9] = UInt8(version >> 8)
        let crc = BlockChecksum.crc32(header[0..<56])
        for i in 0..<4 { header[56 + i] = UInt8(truncatingIfNeeded: crc >> (8 * i)) }
    }

    /// The bytes before the trailer's stream digest, and which of them the digest of `version` covers.
    func digest(byRulesOf version: UInt16) -> [UInt8] {
        var covered = header
        for frame in frames {
            covered += frame.head
            if version == 1 { covered += frame.payload }
        }
        covered += trailerStart
        return covered.withUnsafeBytes { SHA256.hash($0) }
    }

    /// The stream, with the trailer's fields as they are now.
    var bytes: [UInt8] {
        var out = header
        for frame in frames { out += frame.head + frame.payload }
        return out + trailerStart + streamDigest
    }

    /// Gives the stream the version `version`, and the digest by its rules.
    func reencoded(asVersion version: UInt16) -> [UInt8] {
        var copy = self
        copy.setVersion(version)
        copy.streamDigest = copy.digest(byRulesOf: version)
        return copy.bytes
    }

    private var trailerStart: [UInt8] {
        [0x7F] + (0..<8).map { UInt8(truncatingIfNeeded: frameCount >> (8 * $0)) } + mapDigest
    }

    private static func integer<T: FixedWidthInteger>(_: T.Type, _ bytes: [UInt8], at offset: Int) -> T {
        (0..<MemoryLayout<T>.size).reduce(T(0)) { $0 | T(bytes[offset + $1]) << (8 * $1) }
    }
}
