import ArgumentParser
import BlockStore
import Foundation

/// `wmilab disk …`: work with block-store virtual disks.
struct DiskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disk", abstract: "Create, inspect and replicate block-store virtual disks.",
        subcommands: [Create.self, Write.self, Read.self, Digest.self, Snapshot.self, Points.self, Verify.self,
                      Export.self, Import.self, Stream.self, Apply.self, Torture.self]
    )

    /// A byte size with an optional KiB/MiB/GiB suffix.
    struct ByteSize: ExpressibleByArgument {
        let value: UInt64
        init?(argument: String) {
            let units: [(String, UInt64)] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10), ("", 1)]
            for (suffix, scale) in units where argument.hasSuffix(suffix) {
                guard let n = UInt64(argument.dropLast(suffix.count)) else { continue }
                let (v, overflow) = n.multipliedReportingOverflow(by: scale)
                if overflow { return nil }
                value = v
                return
            }
            return nil
        }
    }

    /// A progress line on stderr, only when stderr is a terminal.
    struct Progress {
        let label: String
        let enabled = isatty(2) != 0
        private var last = Date()

        init(_ label: String) { self.label = label }

        mutating func update(_ fraction: Double) {
            guard enabled, Date().timeIntervalSince(last) > 0.2 else { return }
            last = Date()
            FileHandle.standardError.write(Data(String(format: "\r%@ %5.1f%%", label, fraction * 100).utf8))
        }

        func done() { if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) } }
    }

    static let chunk = 4 << 20

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a sparse disk.")
        @Argument var path: String
        @Option var size: ByteSize
        @Option(name: .customLong("block-size")) var blockSize: ByteSize?
        func run() throws {
            let disk = try VirtualDisk.create(at: path, size: size.value,
                                              blockSize: Int(blockSize?.value ?? UInt64(VirtualDisk.defaultBlockSize)))
            try disk.close()
        }
    }

    struct Write: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a file's bytes at an offset.")
        @Argument var path: String
        @Option var offset: ByteSize
        @Option var from: String
        func run() throws {
            let disk = try VirtualDisk.open(at: path)
            guard let input = FileHandle(forReadingAtPath: from) else { throw ValidationError("cannot read \(from)") }
            let total = (try? FileManager.default.attributesOfItem(atPath: from)[.size] as? UInt64) ?? 0
            var position = offset.value
            var progress = Progress("write")
            while let data = try input.read(upToCount: DiskCommand.chunk), !data.isEmpty {
                try data.withUnsafeBytes { try disk.write($0, at: position) }
                position += UInt64(data.count)
                if total > 0 { progress.update(Double(position - offset.value) / Double(total)) }
            }
            progress.done()
            try disk.close()
        }
    }

    struct Read: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Read bytes at an offset into a file.")
        @Argument var path: String
        @Option var offset: ByteSize
        @Option var length: ByteSize
        @Option var to: String
        @Option var point: UInt64?
        func run() throws {
            let disk = try VirtualDisk.open(at: path)
            let output = try RawOutput(creating: to)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: DiskCommand.chunk, alignment: 4096)
            defer { buffer.deallocate() }
            var done: UInt64 = 0
            var progress = Progress("read")
            while done < length.value {
                let piece = UnsafeMutableRawBufferPointer(
                    rebasing: buffer[0..<Int(min(UInt64(DiskCommand.chunk), length.value - done))])
                try disk.read(into: piece, at: offset.value + done, point: point)
                try output.write(UnsafeRawBufferPointer(piece))
                done += UInt64(piece.count)
                progress.update(Double(done) / Double(length.value))
            }
            progress.done()
            output.close()
        }
    }

    struct Digest: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the SHA-256 of the disk's content.")
        @Argument var path: String
        @Option var point: UInt64?
        func run() throws {
            let disk = try VirtualDisk.open(at: path)
            var progress = Progress("digest")
            let digest = try disk.digest(point: point) { progress.update(Double($0) / Double(disk.blockCount)) }
            progress.done()
            print(digest.map { String(format: "%02x", $0) }.joined())
        }
    }

    struct Snapshot: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a recovery point; print its ID.")
        @Argument var path: String
        @Flag(name: .customLong("app-consistent")) var appConsistent = false
        func run() throws {
            let disk = try VirtualDisk.open(at: path)
            print(try disk.createRecoveryPoint(applicationConsistent: appConsistent).id)
            try disk.close()
        }
    }

    struct Points: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List recovery points.")
        @Argument var path: String
        func run() throws {
            let disk = try VirtualDisk.open(at: path)
            let formatter = ISO8601DateFormatter()
            for p in disk.recoveryPoints {
                print("\(p.id)\tepoch \(p.epoch)\t\(formatter.string(from: p.creationTime))"
                    + (p.isApplicationConsistent ? "\tapplication-consistent" : "\tcrash-consistent"))
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check every block; name the bad ones.")
        @Argument var path: String
        func run() throws {
            let disk = try VirtualDisk.open(at: path)
            let bad = try disk.verify()
            for b in bad { print("bad \(b)") }
            if !bad.isEmpty { throw ExitCode(1) }
            print("ok: \(disk.blockCount) blocks")
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Export to a directory (manifest.json, disk.img).")
        @Argument var path: String
        @Argument var directory: String
        func run() throws {
            let disk = try VirtualDisk.open(at: path)
            var progress = Progress("export")
            try disk.export(to: directory) { progress.update($0) }
            progress.done()
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a disk from an export directory.")
        @Argument var directory: String
        @Argument var path: String
        func run() throws {
            var progress = Progress("import")
            let disk = try VirtualDisk.importDisk(from: directory, to: path) { progress.update($0) }
            progress.done()
            try disk.close()
        }
    }

    struct Stream: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a replication stream (to FILE, - for stdout): changes since point ID, or every block.")
        @Argument var path: String
        @Option var since: UInt64?
        @Option var point: UInt64?
        @Option var to: String
        @Flag var compress = false
        func run() throws {
            let disk = try VirtualDisk.open(at: path)
            let level: Int32? = compress ? 1 : nil
            let producer = try since.map { try disk.makeDeltaStream(since: $0, point: point, compressionLevel: level) }
                ?? disk.makeFullStream(point: point, compressionLevel: level)
            let output = try to == "-" ? RawOutput.standardOutput() : RawOutput(creating: to)
            while let chunk = try producer.nextChunk() { try chunk.withUnsafeBytes { try output.write($0) } }
            try output.finish()
            let s = producer.statistics
            FileHandle.standardError.write(Data(
                "stream: \(s.streamBytes) bytes, \(s.dataFrames) data frames, \(s.zeroFrames) zero frames\n".utf8))
        }
    }

    struct Apply: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply a replication stream (from FILE, or - for stdin) atomically.")
        @Argument var file: String
        @Argument var path: String
        func run() throws {
            let disk = try VirtualDisk.open(at: path)
            let input = try file == "-" ? RawInput.standardInput() : RawInput(reading: file)
            let applier = ReplicationStreamApplier(disk: disk)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 4096)
            defer { buffer.deallocate() }
            while case let n = try input.read(into: buffer), n > 0 {
                try applier.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            }
            let result = try applier.finish()
            try disk.close()
            FileHandle.standardError.write(Data("applied: \(result.blocksChanged) blocks changed\n".utf8))
        }
    }

    /// For crash tests: a deterministic sequence of writes, printing `ack N` after each durable one.
    struct Torture: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a seeded sequence, acknowledging each durable write (for crash tests).",
            shouldDisplay: false)
        @Argument var path: String
        @Option var seed: UInt64
        @Option var count: Int = 1000
        func run() throws {
            let disk = try VirtualDisk.open(at: path)
            var state = seed
            for i in 0..<count {
                let (offset, bytes) = tortureWrite(&state, size: disk.size, blockSize: disk.blockSize)
                try disk.write(bytes, at: offset)
                FileHandle.standardOutput.write(Data("ack \(i)\n".utf8))
            }
        }
    }
}

/// The n-th write of `wmilab disk torture`; the crash tests compute the same sequence.
func tortureWrite(_ state: inout UInt64, size: UInt64, blockSize: Int) -> (UInt64, [UInt8]) {
    func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    let length = 1 + Int(next() % UInt64(3 * blockSize))
    let offset = next() % (size - UInt64(length) + 1)
    let value = Int(truncatingIfNeeded: next() & 0xFF)
    return (offset, (0..<length).map { UInt8(truncatingIfNeeded: value &+ $0 / 7) })
}

extension DiskCommand {
    /// A file or standard output written with write(2) in whole chunks (no per-piece buffering or copies).
    struct RawOutput {
        private let fd: Int32
        private let name: String
        private let owned: Bool

        private init(fd: Int32, name: String, owned: Bool) {
            self.fd = fd
            self.name = name
            self.owned = owned
        }

        /// Standard output. A pipe is grown to 1 MiB (Linux `F_SETPIPE_SZ`; a file is left alone): with the
        /// default 64 KiB, `disk stream | disk apply` take turns a chunk at a time, and the pair ran 20–50 %
        /// slower on an idle machine.
        static func standardOutput() -> RawOutput {
            _ = fcntl(STDOUT_FILENO, setPipeSize, Int32(1 << 20))
            return RawOutput(fd: STDOUT_FILENO, name: "standard output", owned: false)
        }

        /// `F_SETPIPE_SZ` from linux/fcntl.h, which Glibc's module does not export.
        private static let setPipeSize: Int32 = 1031

        /// Creates (or truncates) `path`.
        init(creating path: String) throws {
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw systemError("write", path) }
            self.init(fd: fd, name: path, owned: true)
        }

        func write(_ bytes: UnsafeRawBufferPointer) throws {
            guard let base = bytes.baseAddress else { return }
            var done = 0
            while done < bytes.count {
                let n = Glibc.write(fd, base + done, bytes.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw systemError("write", name)
                }
                done += n
            }
        }

        /// Makes a file durable and closes it; standard output is left open.
        func finish() throws {
            guard owned else { return }
            defer { close() }
            guard fsync(fd) == 0 else { throw systemError("sync", name) }
        }

        /// Closes a file without syncing it; standard output is left open.
        func close() { if owned { _ = Glibc.close(fd) } }
    }

    /// A file or standard input read with read(2) straight into the caller's buffer.
    final class RawInput {
        private let fd: Int32
        private let name: String
        private let owned: Bool

        private init(fd: Int32, name: String, owned: Bool) {
            self.fd = fd
            self.name = name
            self.owned = owned
        }

        deinit { if owned { _ = Glibc.close(fd) } }

        static func standardInput() -> RawInput {
            RawInput(fd: STDIN_FILENO, name: "standard input", owned: false)
        }

        convenience init(reading path: String) throws {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw systemError("read", path) }
            self.init(fd: fd, name: path, owned: true)
        }

        /// Reads what is available (at least one byte) into `buffer`; 0 at the end of the input.
        func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            while true {
                let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
                if n >= 0 { return n }
                if errno != EINTR { throw systemError("read", name) }
            }
        }
    }
}

/// A failed system call on `name`, with the reason errno gives.
private func systemError(_ verb: String, _ name: String) -> ValidationError {
    ValidationError("cannot \(verb) \(name): \(String(cString: strerror(errno)))")
}
