/// When the producer tries zlib on a block: always, until a run of blocks in a row did not shrink (encrypted or
/// already compressed data); then it skips the next blocks and probes again, so incompressible disks stream at
/// the speed of raw ones while compressible regions are still found.
struct CompressionPolicy {
    /// Blocks in a row that did not shrink before trying stops.
    static let failuresBeforeSkipping = 16
    /// Blocks sent raw without trying, before the next probe.
    static let blocksSkipped = 240

    private var failures = 0
    private var skipping = 0

    /// Whether to try compressing the next block.
    mutating func shouldTry() -> Bool {
        if skipping > 0 {
            skipping -= 1
            return false
        }
        return true
    }

    /// Records the outcome of a try.
    mutating func record(shrank: Bool) {
        if shrank {
            failures = 0
            return
        }
        failures += 1
        if failures >= Self.failuresBeforeSkipping {
            failures = Self.failuresBeforeSkipping - 1  // one more miss after the pause starts the next pause
            skipping = Self.blocksSkipped
        }
    }
}
