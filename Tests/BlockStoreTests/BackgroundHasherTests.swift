import SeededRandom
import Testing

@testable import BlockStore

struct BackgroundHasherTests {
    /// Queued regions, regions hashed on the caller's thread and waits in between give the digest of the bytes
    /// in order.
    @Test(arguments: [0, 1, 17, 4096, 100_003])
    func digestEqualsOneShotSHA256(pieceSize: Int) {
        var rng = SplitMix64(state: UInt64(pieceSize) &+ 1)
        let bytes = randomBytes(300_000, &rng)
        let hasher = BackgroundHasher()
        defer { hasher.stop() }
        bytes.withUnsafeBytes { all in
            var start = 0
            var piece = 0
            while start < all.count {
                let end = Swift.min(all.count, start + Swift.max(pieceSize, 1) + piece % 3)
                let region = UnsafeRawBufferPointer(rebasing: all[start..<end])
                switch piece % 5 {
                case 3: hasher.updateNow(region)
                case 4:
                    hasher.update(region)
                    hasher.wait()
                default: hasher.update(region)
                }
                start = end
                piece += 1
            }
        }
        let digest = hasher.finalize()
        #expect(digest == bytes.withUnsafeBytes { SHA256.hash($0) })
    }
}
