import Foundation
import SeededRandom
import Testing

@testable import BlockStore

/// Kills a writing child process (`wmilab disk torture`) with SIGKILL and checks the reopened disk.
@Suite struct CrashTests {
    static var wmilab: String? {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        if dir.lastPathComponent.hasSuffix(".xctest") { dir = dir.deletingLastPathComponent() }
        let candidate = dir.appendingPathComponent("wmilab").path
        return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
    }

    /// Same sequence as `tortureWrite` in the wmilab target.
    static func model(seed: UInt64, writes: Int, size: Int, blockSize: Int) -> [UInt8] {
        var state = seed
        var model = [UInt8](repeating: 0, count: size)
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        for _ in 0..<writes {
            let length = 1 + Int(next() % UInt64(3 * blockSize))
            let offset = Int(next() % UInt64(size - length + 1))
            let value = Int(truncatingIfNeeded: next() & 0xFF)
            for i in 0..<length { model[offset + i] = UInt8(truncatingIfNeeded: value &+ i / 7) }
        }
        return model
    }

    @Test(arguments: [11, 12, 13, 14, 15, 16])
    func killedWriterLeavesLastAcknowledgedState(seed: UInt64) async throws {
        let binary = try #require(Self.wmilab, "the wmilab binary is built beside the tests")
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let size = 32 * blockSize
        try VirtualDisk.create(at: dir, size: UInt64(size), blockSize: blockSize).close()
        let child = Process()
        child.executableURL = URL(fileURLWithPath: binary)
        child.arguments = ["disk", "torture", dir, "--seed", String(seed), "--count", "100000"]
        let pipe = Pipe()
        child.standardOutput = pipe
        try child.run()
        var rng = SplitMix64(state: seed)
        let waitAcks = Int.random(in: 1...200, using: &rng)
        var seen = 0
        var buffered = Data()
        while seen < waitAcks {
            let data = pipe.fileHandleForReading.availableData
            if data.isEmpty { break }
            buffered.append(data)
            seen = buffered.filter { $0 == UInt8(ascii: "\n") }.count
        }
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        buffered.append(pipe.fileHandleForReading.readDataToEndOfFile())
        let acks = buffered.filter { $0 == UInt8(ascii: "\n") }.count
        #expect(acks >= 1, "the child acknowledged writes before it was killed")
        let disk = try VirtualDisk.open(at: dir)
        let content = try disk.read(at: 0, count: size)
        let acknowledged = Self.model(seed: seed, writes: acks, size: size, blockSize: blockSize)
        let next = Self.model(seed: seed, writes: acks + 1, size: size, blockSize: blockSize)
        #expect(content == acknowledged || content == next, "after \(acks) acknowledged writes")
        #expect(try disk.verify().isEmpty)
    }

    @Test(arguments: [0, 3_000, 10_000, 30_000, 80_000])
    func killedApplyChangesAllOrNothing(delayMicroseconds: UInt32) throws {
        let binary = try #require(Self.wmilab, "the wmilab binary is built beside the tests")
        let a = temporaryDirectory(), b = temporaryDirectory(), file = temporaryDirectory()
        defer { for p in [a, b, file] { try? FileManager.default.removeItem(atPath: p) } }
        let size = 1024 * blockSize
        let source = try VirtualDisk.create(at: a, size: UInt64(size), blockSize: blockSize)
        var rng = SplitMix64(state: UInt64(delayMicroseconds) + 1)
        try source.write(randomBytes(size, &rng), at: 0)
        let producer = try source.makeFullStream()
        var stream: [UInt8] = []
        while let chunk = try producer.nextChunk() { stream += chunk }
        try Data(stream).write(to: URL(fileURLWithPath: file))
        let target = try VirtualDisk.create(at: b, size: UInt64(size), blockSize: blockSize)
        try target.write([UInt8](repeating: 0xAB, count: 10 * blockSize), at: 0)
        let before = try target.digest()
        try target.close()
        let child = Process()
        child.executableURL = URL(fileURLWithPath: binary)
        child.arguments = ["disk", "apply", file, b]
        child.standardError = FileHandle.nullDevice
        try child.run()
        usleep(delayMicroseconds)
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        let reopened = try VirtualDisk.open(at: b)
        let after = try reopened.digest()
        let sourceDigest = try source.digest()
        #expect(after == before || after == sourceDigest)
        #expect(try reopened.verify().isEmpty)
    }
}
