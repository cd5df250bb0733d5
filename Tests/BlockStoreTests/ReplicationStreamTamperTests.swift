import Foundation
import Testing

@testable import BlockStore

/// A version 2 stream altered anywhere is refused and changes nothing: block data is guarded by each frame's
/// CRC-32 (after inflating) and by the map digest, frame headers and their order by the stream digest.
@Suite struct ReplicationStreamTamperTests {
    enum Tamper: CustomTestStringConvertible, Sendable {
        case rawPayloadByte(Int)
        case zlibPayloadByte(Int)
        /// A byte of the header of frame 1, a raw data frame.
        case dataFrameHeaderByte(Int)
        /// A byte of frame 2, a zero frame.
        case zeroFrameByte(Int)
        case droppedDataFrame
        case droppedDataFrameCountFixed
        case swappedFrames
        case duplicatedFrame
        case streamHeaderByte(Int)
        case mapDigestByte
        case streamDigestByte
        case truncatedTrailer(Int)

        static let all: [Tamper] = [.rawPayloadByte(0), .rawPayloadByte(4095), .zlibPayloadByte(0),
                                    .zlibPayloadByte(30), .zlibPayloadByte(-1)]
            + (0..<18).map(Tamper.dataFrameHeaderByte) + (0..<9).map(Tamper.zeroFrameByte)
            + [.droppedDataFrame, .droppedDataFrameCountFixed, .swappedFrames, .duplicatedFrame]
            + [8, 13, 30, 59].map(Tamper.streamHeaderByte)
            + [.mapDigestByte, .streamDigestByte] + [1, 32, 40, 72, 73].map(Tamper.truncatedTrailer)

        var testDescription: String { "\(self)" }

        func apply(to editor: StreamEditor) -> [UInt8] {
            var e = editor
            switch self {
            case .rawPayloadByte(let at): e.frames[1].payload[at] ^= 0x01
            case .zlibPayloadByte(let at):
                e.frames[0].payload[at < 0 ? e.frames[0].payload.count + at : at] ^= 0x04
            case .dataFrameHeaderByte(let at): e.frames[1].head[at] ^= 0x01
            case .zeroFrameByte(let at): e.frames[2].head[at] ^= 0x01
            case .droppedDataFrame: e.frames.remove(at: 1)
            case .droppedDataFrameCountFixed:
                e.frames.remove(at: 1)
                e.frameCount -= 1
            case .swappedFrames: e.frames.swapAt(0, 1)
            case .duplicatedFrame: e.frames.insert(e.frames[1], at: 2)
            case .streamHeaderByte(let at): e.header[at] ^= 0x01
            case .mapDigestByte: e.mapDigest[5] ^= 0x01
            case .streamDigestByte: e.streamDigest[31] ^= 0x01
            case .truncatedTrailer(let count): return Array(e.bytes.dropLast(count))
            }
            return e.bytes
        }
    }

    /// The full compressed stream of the legacy source at `p1`: frame 0 zlib, frame 1 raw, frame 2 zeros.
    func stream(of source: (disk: VirtualDisk, p1: UInt64, p2: UInt64)) throws -> StreamEditor {
        var all: [UInt8] = []
        let producer = try source.disk.makeFullStream(point: source.p1, compressionLevel: 1)
        while let chunk = try producer.nextChunk() { all += chunk }
        return try StreamEditor(all)
    }

    @Test(arguments: Tamper.all)
    func alteredStreamIsRefusedAndChangesNothing(tamper: Tamper) throws {
        let a = temporaryDirectory(), b = temporaryDirectory()
        defer { for d in [a, b] { try? FileManager.default.removeItem(atPath: d) } }
        let source = try LegacyStreamSource.make(at: a)
        let editor = try stream(of: source)
        #expect(editor.version == 2)
        #expect(editor.frames[0].isZlib)
        #expect(editor.frames[1].isData && !editor.frames[1].isZlib)
        #expect(editor.frames[2].head[0] == 2)
        let target = try ReplicationStreamVersionTests.makeUsedTarget(at: b)
        let before = try target.digest()
        let altered = tamper.apply(to: editor)
        #expect(altered != editor.bytes)
        #expect(ReplicationStreamVersionTests.refusal(altered, to: target)?.kind == .corruptStream)
        #expect(try target.digest() == before)
        #expect(try target.verify().isEmpty)
        // Nothing of the refused stream is left behind: the intact one applies.
        try ReplicationStreamVersionTests.apply(editor.bytes, to: target)
        #expect(try ReplicationStreamVersionTests.blocks(of: target) == LegacyStreamSource.contentAtP1)
    }
}
