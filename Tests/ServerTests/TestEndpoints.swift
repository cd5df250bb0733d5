import NIOCore
import Server

/// Echoes the request back: `user=<name>|<domain>;path=<uri>;` followed by the body.
struct EchoEndpoint: WSManEndpoint {
    func respond(to request: WSManHTTPRequest) async -> WSManHTTPResponse {
        let user = request.user.map { "\($0.name)|\($0.domain ?? "")" } ?? "anonymous"
        let prefix = Array("user=\(user);path=\(request.info.uri);".utf8)
        if request.body.starts(with: Array("slow:".utf8)) {
            try? await Task.sleep(for: .milliseconds(200))
        }
        return .soap(prefix + request.body)
    }
}

/// Opens once and stays open; waiters before that suspend.
actor Latch {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }
}

/// Holds every request until `release` opens; reports each arrival on `arrivals`.
final class BlockingEndpoint: WSManEndpoint {
    let release = Latch()
    let arrivals: AsyncStream<String>
    private let arrivalContinuation: AsyncStream<String>.Continuation

    init() {
        (arrivals, arrivalContinuation) = AsyncStream.makeStream(of: String.self)
    }

    func respond(to request: WSManHTTPRequest) async -> WSManHTTPResponse {
        arrivalContinuation.yield(request.user?.name ?? "anonymous")
        await release.wait()
        return .soap(Array("done".utf8))
    }

    /// Waits for `count` requests to have arrived.
    func waitForArrivals(_ count: Int) async {
        var seen = 0
        for await _ in arrivals {
            seen += 1
            if seen == count { return }
        }
    }
}

/// The distance between the bytes a streamed-body checksum looks at.
let sampleStride = 4093

/// Reads a streamed body chunk by chunk and reports its size, a sampled checksum and the largest chunk seen.
struct DigestingStreamEndpoint: StreamingEndpoint {
    func respond(to info: HTTPRequestInfo, body: HTTPRequestBody) async -> WSManHTTPResponse {
        var total = 0
        var checksum: UInt64 = 0
        var largestChunk = 0
        do {
            for try await chunk in body {
                largestChunk = max(largestChunk, chunk.readableBytes)
                let bytes = chunk.readableBytesView
                // Every byte at an offset divisible by a prime stride, so order and content are checked
                // without a per-byte loop in debug builds.
                var offset = (sampleStride - total % sampleStride) % sampleStride
                while offset < bytes.count {
                    checksum = checksum &* 31 &+ UInt64(bytes[bytes.startIndex + offset]) &+ UInt64(total + offset)
                    offset += sampleStride
                }
                total += chunk.readableBytes
            }
        } catch {
            return WSManHTTPResponse(status: 400)
        }
        let text = "bytes=\(total);checksum=\(checksum);largest=\(largestChunk);user=\(info.user?.name ?? "-")"
        return WSManHTTPResponse(status: 200, contentType: "text/plain", body: Array(text.utf8))
    }
}

/// Answers without reading the body at all.
struct IgnoringStreamEndpoint: StreamingEndpoint {
    func respond(to info: HTTPRequestInfo, body: HTTPRequestBody) async -> WSManHTTPResponse {
        WSManHTTPResponse(status: 200, contentType: "text/plain", body: Array("ignored".utf8))
    }
}
