import Foundation
import SeededRandom
import Testing

@testable import BlockStore

@Suite struct BackgroundWriterTests {
    @Test func writesEveryBufferInPlaceAndReportsAFailureLater() throws {
        let dir = temporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var rng = SplitMix64(state: 21)
        let pieces = (0..<5).map { _ in randomBytes(3 * blockSize, &rng) }
        let file = try RawFile(path: dir + "/f", create: true)
        let writer = BackgroundWriter(file: file)
        // Two buffers in turn, as the applier uses them: one is written while the other is filled (submit waits
        // for the previous write, so the buffer filled next is free).
        let buffers = (0..<2).map { _ in
            UnsafeMutableRawBufferPointer.allocate(byteCount: 3 * blockSize, alignment: 4096)
        }
        defer { for b in buffers { b.deallocate() } }
        for (i, piece) in pieces.enumerated().reversed() {
            let buffer = buffers[i % 2]
            piece.withUnsafeBytes { buffer.copyMemory(from: $0) }
            try writer.submit(UnsafeRawBufferPointer(buffer), at: UInt64(i * 3 * blockSize))
        }
        try writer.drain()
        #expect(try file.readAll() == pieces.flatMap { $0 })
        writer.stop()

        let readOnly = try RawFile(path: dir + "/f", readOnly: true)
        let failing = BackgroundWriter(file: readOnly)
        defer { failing.stop() }
        try pieces[0].withUnsafeBytes { try failing.submit($0, at: 0) }
        #expect { try failing.drain() } throws: { ($0 as? BlockStoreError)?.kind == .io }
    }
}
