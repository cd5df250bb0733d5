import Foundation
import NIOCore
import Server
import Testing
import WMILabTesting

/// Resident memory of this process, from /proc (Linux); nil elsewhere.
private func residentBytes() -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
          let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
    else { return nil }
    return kilobytes * 1024
}

private let labAuthorization = TestHTTPConnection.basicAuthorization("labuser", "LabPass1!")

/// Sends `count` bytes of a repeating pattern in 64 KiB writes (the writer waits for the socket).
private func sendPattern(_ connection: TestHTTPConnection, count: Int) async throws -> UInt64 {
    var checksum: UInt64 = 0
    var sent = 0
    let chunkSize = 65_536
    let pattern = (0..<chunkSize).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
    while sent < count {
        let size = min(chunkSize, count - sent)
        let chunk = Array(pattern[..<size])
        var offset = (sampleStride - sent % sampleStride) % sampleStride
        while offset < size {
            checksum = checksum &* 31 &+ UInt64(chunk[offset]) &+ UInt64(sent + offset)
            offset += sampleStride
        }
        try await connection.send(chunk)
        sent += size
    }
    return checksum
}

// Serialized: these tests compare the process' resident memory before and after.
@Suite("Large bodies", .serialized)
struct LargeBodyTests {
    @Test("a 64 MB envelope is refused with EncodingLimit without being buffered; the connection keeps serving")
    func oversizedEnvelope() async throws {
        try await InProcessServer.withServer(endpoint: EchoEndpoint()) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                let size = 64 * 1024 * 1024
                let before = residentBytes()
                var peak = before
                // Chunked, so the server cannot refuse it from the Content-Length alone.
                try await connection.send(
                    "POST /wsman HTTP/1.1\r\nHost: x\r\nAuthorization: \(labAuthorization)\r\n"
                        + "Content-Type: application/soap+xml;charset=UTF-8\r\nTransfer-Encoding: chunked\r\n\r\n"
                )
                var sent = 0
                let chunk = Array(repeating: UInt8(ascii: "x"), count: 65_536)
                while sent < size {
                    try await connection.send(Array("10000\r\n".utf8) + chunk + Array("\r\n".utf8))
                    sent += chunk.count
                    if sent % (32 * chunk.count) == 0, let now = residentBytes() { peak = max(peak ?? now, now) }
                }
                try await connection.send("0\r\n\r\n")
                let response = try #require(try await connection.readResponse(timeout: .seconds(60)))
                #expect(response.status == 500)
                #expect(response.text.contains("<s:Value>w:EncodingLimit</s:Value>"))
                #expect(response.text.contains("Code=\"2150858805\""))
                // A buffered body would add all of its 64 MB while it arrives. Suites running in parallel add their
                // own (XMLTests builds a 10 MB document, others up to about 20 MB at once), so the bound is half.
                if let now = residentBytes() { peak = max(peak ?? now, now) }
                if let before, let peak {
                    #expect(peak - before < size / 2, "resident memory grew by \(peak - before) bytes")
                }
                try await connection.send(TestHTTPConnection.request(
                    headers: [("Authorization", labAuthorization), ("Content-Type", "application/soap+xml")],
                    body: Array("<next/>".utf8)
                ))
                let next = try #require(try await connection.readResponse())
                #expect(next.status == 200)
                #expect(next.text.hasSuffix("<next/>"))
            }
        }
    }

    @Test("a declared Content-Length over the limit is refused the same way")
    func declaredTooLarge() async throws {
        try await InProcessServer.withServer(endpoint: EchoEndpoint(), configure: {
            $0.limits.maxEnvelopeSize = 1000
        }) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                try await connection.send(TestHTTPConnection.request(
                    headers: [("Authorization", labAuthorization), ("Content-Type", "application/soap+xml")],
                    body: Array(repeating: UInt8(ascii: "y"), count: 1001)
                ))
                let response = try #require(try await connection.readResponse())
                #expect(response.status == 500)
                #expect(response.text.contains("w:EncodingLimit"))
                try await connection.send(TestHTTPConnection.request(
                    headers: [("Authorization", labAuthorization), ("Content-Type", "application/soap+xml")],
                    body: Array(repeating: UInt8(ascii: "y"), count: 1000)
                ))
                #expect(try await connection.readResponse()?.status == 200)
            }
        }
    }

    @Test("a 50 MB upload on a streaming route arrives whole, in bounded chunks and bounded memory")
    func streamingUpload() async throws {
        let route = try StreamingRoute(pathPrefix: "/wmilab/replication", endpoint: DigestingStreamEndpoint())
        try await InProcessServer.withServer(endpoint: EchoEndpoint(), streamingRoutes: [route]) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                let size = 50 * 1024 * 1024
                let before = residentBytes()
                try await connection.send(
                    "PUT /wmilab/replication/vm/app01 HTTP/1.1\r\nHost: x\r\nAuthorization: \(labAuthorization)\r\n"
                        + "Content-Type: application/octet-stream\r\nContent-Length: \(size)\r\n\r\n"
                )
                let checksum = try await sendPattern(connection, count: size)
                let response = try #require(try await connection.readResponse(timeout: .seconds(120)))
                #expect(response.status == 200)
                let fields = Dictionary(uniqueKeysWithValues: response.text.split(separator: ";").map {
                    let pair = $0.split(separator: "=", maxSplits: 1)
                    return (String(pair[0]), String(pair.count > 1 ? pair[1] : ""))
                })
                #expect(fields["bytes"] == String(size))
                #expect(fields["checksum"] == String(checksum))
                #expect(fields["user"] == "labuser")
                #expect((Int(fields["largest"] ?? "") ?? .max) <= 1024 * 1024)
                if let before, let after = residentBytes() {
                    #expect(after - before < 25 * 1024 * 1024, "resident memory grew by \(after - before) bytes")
                }
                // The connection serves /wsman next.
                try await connection.send(TestHTTPConnection.request(
                    headers: [("Authorization", labAuthorization), ("Content-Type", "application/soap+xml")],
                    body: Array("<after/>".utf8)
                ))
                #expect(try await connection.readResponse()?.status == 200)
            }
        }
    }

    @Test("a streaming endpoint that ignores the body: the rest is discarded and the connection goes on")
    func ignoredBody() async throws {
        let route = try StreamingRoute(pathPrefix: "/wmilab/replication", endpoint: IgnoringStreamEndpoint())
        try await InProcessServer.withServer(endpoint: EchoEndpoint(), streamingRoutes: [route]) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                try await connection.send(TestHTTPConnection.request(
                    path: "/wmilab/replication/x",
                    headers: [("Authorization", labAuthorization)],
                    body: Array(repeating: 7, count: 200_000)
                ))
                let response = try #require(try await connection.readResponse())
                #expect(response.text == "ignored")
                try await connection.send(TestHTTPConnection.request(
                    headers: [("Authorization", labAuthorization), ("Content-Type", "application/soap+xml")],
                    body: Array("<after/>".utf8)
                ))
                #expect(try await connection.readResponse()?.status == 200)
            }
        }
    }

    @Test("a streaming route requires authentication too")
    func streamingNeedsAuth() async throws {
        let route = try StreamingRoute(pathPrefix: "/wmilab/replication", endpoint: DigestingStreamEndpoint())
        try await InProcessServer.withServer(endpoint: EchoEndpoint(), streamingRoutes: [route]) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                try await connection.send(TestHTTPConnection.request(
                    path: "/wmilab/replication/x",
                    headers: [("WSMANIDENTIFY", "unauthenticated")],
                    body: Array("data".utf8)
                ))
                #expect(try await connection.readResponse()?.status == 401)
            }
        }
    }
}
