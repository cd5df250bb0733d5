import Foundation
import NIOConcurrencyHelpers
import Testing

@testable import PeerTransport

@Suite("Peer requests between two in-process hosts")
struct PeerExchangeTests {
    @Test("A JSON call round-trips: the handler sees the operation, parameters and signed caller")
    func jsonRoundTrip() async throws {
        let handler = RecordingHandler()
        try await withPeerHost(handler: handler) { host in
            // The public initialiser, as `wmilab serve` makes it.
            let client = PeerClient(
                hostName: "WMILAB-HV01", secret: PeerEndpoint.defaultSecret,
                directory: try PeerDirectory(parsing: ["WMILAB-HV02=\(host.address)"]), tls: nil, logger: quietLogger
            )
            do {
                let parameters = Array(#"{"vm":"app01","size":268435456}"#.utf8)
                let reply = try await client.send(
                    to: "wmilab-hv02.lab.local", operation: "create-replica", parameters: parameters,
                    authentication: .sharedSecret
                )
                #expect(String(decoding: reply, as: UTF8.self)
                    == #"{"operation":"create-replica","from":"WMILAB-HV01"}{"vm":"app01","size":268435456}"#)
                let seen = try #require(handler.requests.first)
                #expect(handler.requests.count == 1)
                #expect(seen.operation == "create-replica")
                #expect(seen.parameters == parameters)
                #expect(seen.bodyBytes == 0)
                #expect(seen.peer == PeerIdentity(hostName: "WMILAB-HV01", authentication: .sharedSecret))

                // Keep-alive: a second call on the same client works too and carries a fresh nonce.
                _ = try await client.send(
                    to: "WMILAB-HV02", operation: "ping", parameters: [], authentication: .sharedSecret
                )
                #expect(handler.requests.map(\.operation) == ["create-replica", "ping"])
            } catch {
                try await client.shutdown()
                throw error
            }
            try await client.shutdown()
        }
    }

    @Test("A 64 MiB upload streams with back-pressure and arrives whole")
    func largeUploadStreams() async throws {
        let total = 64 * 1024 * 1024
        let progress = NIOLockedValueBox((produced: 0, consumed: 0, maxAhead: 0))
        let handler = StreamingHandler(progress: progress)
        try await withPeerHost(handler: handler) { host in
            try await withPeerClient(peers: ["WMILAB-HV02=\(host.address)"]) { client in
                // 64 KiB chunks: small enough for malloc to reuse, so this test does not inflate the resident
                // memory that the server's large-body tests measure in the same process.
                let upload = PatternUpload(total: total, chunkSize: 64 * 1024, progress: progress)
                let reply = try await client.send(
                    to: "WMILAB-HV02", operation: "apply-stream", parameters: Array(#"{"disk":"d1"}"#.utf8),
                    body: upload, authentication: .sharedSecret
                )
                let expected = await PatternUpload.digest(total: total, chunkSize: 64 * 1024)
                #expect(String(decoding: reply, as: UTF8.self) == "\(total) \(Digest.lowerHex(expected))")
            }
        }
        let final = progress.withLockedValue { $0 }
        #expect(final.produced == total)
        #expect(final.consumed == total)
        // The producer never ran far ahead of the slow consumer: kernel socket buffers on both ends (a few MiB
        // each on Linux loopback) and a few channel buffers, never the body (about 15 MiB measured).
        #expect(final.maxAhead < total / 2, "producer ran \(final.maxAhead) bytes ahead")
    }

    @Test("Concurrent uploads to one peer share the client and each arrives whole")
    func concurrentUploads() async throws {
        let handler = RecordingHandler()
        let sizes = [1, 65_535, 300_000, 1_000_001, 123, 777_777, 2 << 20, 4096]
        try await withPeerHost(handler: handler) { host in
            try await withPeerClient(peers: ["WMILAB-HV02=\(host.address)"]) { client in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (index, size) in sizes.enumerated() {
                        group.addTask {
                            _ = try await client.send(
                                to: "WMILAB-HV02", operation: "apply-\(index)", parameters: Array("{}".utf8),
                                body: PatternUpload(total: size, chunkSize: 60_000, progress: nil),
                                authentication: .sharedSecret
                            )
                        }
                    }
                    try await group.waitForAll()
                }
            }
        }
        let seen = Dictionary(uniqueKeysWithValues: handler.requests.map { ($0.operation, $0) })
        #expect(seen.count == sizes.count)
        for (index, size) in sizes.enumerated() {
            #expect(seen["apply-\(index)"]?.bodyBytes == size)
            let expected = await PatternUpload.digest(total: size, chunkSize: 60_000)
            #expect(seen["apply-\(index)"]?.bodyDigest == expected)
            #expect(seen["apply-\(index)"]?.parameters == Array("{}".utf8))
        }
    }

    @Test("A handler's refusal reaches the caller with its code and message")
    func refusalCrossesTheWire() async throws {
        let handler = RecordingHandler { _, _, _ in
            throw PeerError.refused(code: 32775, "the virtual machine app01 is not in a state to receive replication")
        }
        try await withPeerHost(handler: handler) { host in
            try await withPeerClient(peers: ["WMILAB-HV02=\(host.address)"]) { client in
                let error = await peerError {
                    try await client.send(to: "WMILAB-HV02", operation: "start", parameters: [],
                                          authentication: .sharedSecret)
                }
                #expect(error == .refused(
                    code: 32775, "the virtual machine app01 is not in a state to receive replication"))
                #expect(error?.code == 32775)
                #expect(error?.isUnreachable == false)
            }
        }
    }

    @Test("Any other handler error reaches the caller as 32768 Failed")
    func otherErrorsAreFailed() async throws {
        struct DiskFull: Error, CustomStringConvertible { var description: String { "disk full" } }
        let handler = RecordingHandler { _, _, _ in throw DiskFull() }
        try await withPeerHost(handler: handler) { host in
            try await withPeerClient(peers: ["WMILAB-HV02=\(host.address)"]) { client in
                let error = await peerError {
                    try await client.send(to: "WMILAB-HV02", operation: "x", parameters: [],
                                          authentication: .sharedSecret)
                }
                #expect(error == .refused(code: 32768, "disk full"))
            }
        }
    }

    @Test("An unreachable peer handler error crosses the wire as unreachable")
    func unreachableCrossesTheWire() async throws {
        let handler = RecordingHandler { _, _, _ in throw PeerError.unreachable(host: "WMILAB-HV03", "gone") }
        try await withPeerHost(handler: handler) { host in
            try await withPeerClient(peers: ["WMILAB-HV02=\(host.address)"]) { client in
                let error = await peerError {
                    try await client.send(to: "WMILAB-HV02", operation: "x", parameters: [],
                                          authentication: .sharedSecret)
                }
                #expect(error == .unreachable(host: "WMILAB-HV03", "gone"))
                #expect(error?.unreachableHost == "WMILAB-HV03")
            }
        }
    }

    @Test("An error thrown by the upload itself is what the caller gets")
    func uploadErrorSurfaces() async throws {
        struct ReadFailed: Error, Equatable {}
        let handler = RecordingHandler()
        try await withPeerHost(handler: handler) { host in
            _ = try await withPeerClient(peers: ["WMILAB-HV02=\(host.address)"]) { client in
                await #expect(throws: ReadFailed.self) {
                    try await client.send(to: "WMILAB-HV02", operation: "apply-stream", parameters: [],
                                          body: FailingUpload(error: ReadFailed()), authentication: .sharedSecret)
                }
            }
            #expect(handler.requests.allSatisfy { $0.bodyBytes < 3 * 1024 })
        }
    }
}

/// A handler that digests the upload slowly, noting how far the producer ran ahead of it.
final class StreamingHandler: PeerRequestHandler {
    let progress: NIOLockedValueBox<(produced: Int, consumed: Int, maxAhead: Int)>

    init(progress: NIOLockedValueBox<(produced: Int, consumed: Int, maxAhead: Int)>) {
        self.progress = progress
    }

    func handle(operation: String, parameters: [UInt8], body: PeerBody, from peer: PeerIdentity) async throws
        -> [UInt8]
    {
        let hasher = IncrementalSHA256()
        var total = 0
        var chunks = 0
        for try await chunk in body {
            hasher.update(chunk)
            total += chunk.count
            chunks += 1
            progress.withLockedValue {
                $0.consumed += chunk.count
                $0.maxAhead = max($0.maxAhead, $0.produced - $0.consumed)
            }
            // A consumer slower than the network, so back-pressure has to act.
            if chunks % 128 == 0 { try await Task.sleep(for: .milliseconds(5)) }
        }
        return Array("\(total) \(Digest.lowerHex(hasher.finalize()))".utf8)
    }
}

/// A deterministic upload of `total` bytes in chunks, counting what it produced.
struct PatternUpload: AsyncSequence, Sendable {
    typealias Element = [UInt8]
    let total: Int
    let chunkSize: Int
    let progress: NIOLockedValueBox<(produced: Int, consumed: Int, maxAhead: Int)>?

    private static let pattern: [UInt8] = (0..<(1 << 16)).map { UInt8(truncatingIfNeeded: ($0 &* 31) ^ ($0 >> 9)) }

    /// Chunk `index`: a fixed pattern (repeated past 64 KiB) with the index in its first 8 bytes, so order and
    /// content both count.
    static func chunk(_ index: Int, size: Int) -> [UInt8] {
        var bytes = Array(pattern.prefix(size))
        while bytes.count < size { bytes += pattern.prefix(size - bytes.count) }
        withUnsafeBytes(of: UInt64(index).littleEndian) { indexBytes in
            for offset in 0..<Swift.min(8, size) { bytes[offset] = indexBytes[offset] }
        }
        return bytes
    }

    /// The SHA-256 of the whole upload, computed apart from the transfer. It yields now and then, so that it
    /// does not hold one of the few threads the other suites' tasks run on.
    static func digest(total: Int, chunkSize: Int) async -> [UInt8] {
        let hasher = IncrementalSHA256()
        var offset = 0
        var index = 0
        while offset < total {
            let size = Swift.min(chunkSize, total - offset)
            hasher.update(chunk(index, size: size))
            offset += size
            index += 1
            if index % 16 == 0 { await Task.yield() }
        }
        return hasher.finalize()
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(upload: self) }

    struct AsyncIterator: AsyncIteratorProtocol {
        let upload: PatternUpload
        var offset = 0
        var index = 0

        mutating func next() async throws -> [UInt8]? {
            guard offset < upload.total else { return nil }
            let size = Swift.min(upload.chunkSize, upload.total - offset)
            let bytes = PatternUpload.chunk(index, size: size)
            offset += size
            index += 1
            upload.progress?.withLockedValue { $0.produced += size }
            return bytes
        }
    }
}

/// Sends two small chunks, then fails.
struct FailingUpload<Failure: Error & Sendable>: AsyncSequence, Sendable {
    typealias Element = [UInt8]
    let error: Failure

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(error: error) }

    struct AsyncIterator: AsyncIteratorProtocol {
        let error: Failure
        var sent = 0

        mutating func next() async throws -> [UInt8]? {
            sent += 1
            if sent > 2 { throw error }
            return [UInt8](repeating: 7, count: 1024)
        }
    }
}
