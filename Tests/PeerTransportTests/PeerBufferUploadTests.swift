import Foundation
import NIOCore
import Testing

@testable import PeerTransport

@Suite("Uploads of ByteBuffers, read without copies")
struct PeerBufferUploadTests {
    /// Reads the body with `forEachChunk`, digesting it.
    final class ChunkHandler: PeerRequestHandler {
        func handle(operation: String, parameters: [UInt8], body: PeerBody, from peer: PeerIdentity) async throws
            -> [UInt8]
        {
            let hasher = IncrementalSHA256()
            var total = 0
            try await body.forEachChunk { bytes in
                hasher.update(Array(bytes))
                total += bytes.count
            }
            return Array("\(total) \(Digest.lowerHex(hasher.finalize()))".utf8)
        }
    }

    /// An upload that writes each chunk into the `ByteBuffer` it handed out last, cleared (as
    /// `ReplicationUpload` does): whether the transport still holds it or not, no chunk may be overwritten.
    struct ReusingUpload: AsyncSequence, Sendable {
        typealias Element = ByteBuffer
        let total: Int
        let chunkSize: Int

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(upload: self) }

        struct AsyncIterator: AsyncIteratorProtocol {
            let upload: ReusingUpload
            var offset = 0
            var index = 0
            var buffer: ByteBuffer?

            mutating func next() async throws -> ByteBuffer? {
                guard offset < upload.total else { return nil }
                let size = Swift.min(upload.chunkSize, upload.total - offset)
                var chunk = buffer ?? ByteBufferAllocator().buffer(capacity: upload.chunkSize)
                buffer = nil
                chunk.clear()
                chunk.writeBytes(PatternUpload.chunk(index, size: size))
                offset += size
                index += 1
                buffer = chunk
                return chunk
            }
        }
    }

    @Test("A ByteBuffer upload that reuses its buffer arrives whole, read in place by forEachChunk")
    func reusedBufferUploadArrivesWhole() async throws {
        let total = 16 * 1024 * 1024 + 12_345
        let chunkSize = 1 << 20
        try await withPeerHost(handler: ChunkHandler()) { host in
            try await withPeerClient(peers: ["WMILAB-HV02=\(host.address)"]) { client in
                let reply = try await client.send(
                    to: "WMILAB-HV02", operation: "apply-stream", parameters: Array(#"{"disk":"d1"}"#.utf8),
                    body: ReusingUpload(total: total, chunkSize: chunkSize),
                    authentication: .sharedSecret
                )
                let expected = await PatternUpload.digest(total: total, chunkSize: chunkSize)
                #expect(String(decoding: reply, as: UTF8.self) == "\(total) \(Digest.lowerHex(expected))")
            }
        }
    }

    @Test("forEachChunk of a body made of chunks skips empty ones and keeps the order")
    func forEachChunkOfChunks() async throws {
        let body = PeerBody(chunks: [[1, 2], [], [3], [4, 5, 6]])
        var seen: [[UInt8]] = []
        try await body.forEachChunk { seen.append(Array($0)) }
        #expect(seen == [[1, 2], [3], [4, 5, 6]])
    }

    @Test("An error thrown by the forEachChunk closure ends the read with that error")
    func forEachChunkRethrows() async throws {
        struct Stop: Error {}
        let body = PeerBody(chunks: [[1], [2], [3]])
        var calls = 0
        await #expect(throws: Stop.self) {
            try await body.forEachChunk { _ in
                calls += 1
                if calls == 2 { throw Stop() }
            }
        }
        #expect(calls == 2)
    }
}
