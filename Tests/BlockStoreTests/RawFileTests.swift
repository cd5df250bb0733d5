import Foundation
import SeededRandom
import Testing

@testable import BlockStore

struct RawFileTests {
    /// A scattered read fills each buffer with the next bytes of the file, and zeros past its end.
    @Test(arguments: [[1], [7, 1, 4096, 33], [4096, 4096, 4096], [5000, 5000]])
    func scatteredReadEqualsOneRead(sizes: [Int]) throws {
        let path = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        var rng = SplitMix64(state: UInt64(sizes.count))
        let content = randomBytes(10_000, &rng)
        let file = try RawFile(path: path, create: true)
        try file.write(content, at: 0)
        let offset = 123
        let buffers = sizes.map { UnsafeMutableRawBufferPointer.allocate(byteCount: $0, alignment: 8) }
        defer { for b in buffers { b.deallocate() } }
        for b in buffers { b.initializeMemory(as: UInt8.self, repeating: 0xAA) }
        try file.read(scattering: buffers, at: UInt64(offset))
        let read = buffers.flatMap { Array($0) }
        let total = sizes.reduce(0, +)
        let expected = (offset..<offset + total).map { $0 < content.count ? content[$0] : 0 }
        #expect(read == expected)
    }
}
