import Testing

@testable import BlockStore

/// The producer stops trying zlib on incompressible runs and probes again.
struct CompressionPolicyTests {
    /// `shouldTry()` outside `#expect`, which cannot call a mutating method.
    private func tries(_ policy: inout CompressionPolicy) -> Bool { policy.shouldTry() }

    @Test func triesEveryBlockWhileBlocksShrink() {
        var policy = CompressionPolicy()
        for _ in 0..<1000 {
            #expect(tries(&policy))
            policy.record(shrank: true)
        }
    }

    @Test func skipsAfterARunOfMissesAndProbesAgain() {
        var policy = CompressionPolicy()
        var tried = 0
        let blocks = 10_000
        for _ in 0..<blocks where policy.shouldTry() {
            tried += 1
            policy.record(shrank: false)
        }
        // 16 tries, then one probe per pause of 240 blocks.
        #expect(tried < CompressionPolicy.failuresBeforeSkipping + blocks / CompressionPolicy.blocksSkipped + 2)
        #expect(tried > blocks / (CompressionPolicy.blocksSkipped + 1))
    }

    @Test func aBlockThatShrinksEndsThePauseLogic() {
        var policy = CompressionPolicy()
        for _ in 0..<CompressionPolicy.failuresBeforeSkipping { _ = policy.shouldTry(); policy.record(shrank: false) }
        for _ in 0..<CompressionPolicy.blocksSkipped { #expect(!tries(&policy)) }
        #expect(tries(&policy))
        policy.record(shrank: true)
        // After a success it takes a whole run of misses again before skipping.
        for _ in 0..<(CompressionPolicy.failuresBeforeSkipping - 1) {
            #expect(tries(&policy))
            policy.record(shrank: false)
        }
        #expect(tries(&policy))
    }
}
