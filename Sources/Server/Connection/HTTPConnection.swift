import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// Serves the requests of one connection in order, one at a time (so pipelined requests are answered
/// in order), mapping NIO's request parts to endpoint values and the endpoint's answers back.
struct HTTPConnection {
    let routes: ServerRoutes
    let users: [ServerUser]
    let limits: ServerLimits
    let gate: OperationGate
    let isSecure: Bool
    let logger: Logger

    private static let serverHeader = "Microsoft-HTTPAPI/2.0"

    func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        let lifecycle = ConnectionLifecycle(channel: connection.channel, gracePeriod: limits.shutdownGracePeriod)
        let remoteAddress = connection.channel.remoteAddress.map(Self.describe)
        do {
            try await connection.executeThenClose { inbound, outbound in
                try await withGracefulShutdownHandler {
                    let source = RequestPartSource(inbound)
                    var authentication = AuthenticationStateMachine(users: users)
                    while lifecycle.beginWaiting(), let head = try await source.nextHead() {
                        lifecycle.beginRequest()
                        let keepAlive = try await serveRequest(
                            head,
                            source: source,
                            authentication: &authentication,
                            outbound: outbound,
                            remoteAddress: remoteAddress,
                            lifecycle: lifecycle,
                            channel: connection.channel
                        )
                        if !keepAlive { break }
                    }
                } onGracefulShutdown: {
                    lifecycle.shutdown()
                }
            }
        } catch {
            logger.debug("connection ended", metadata: ["peer": "\(remoteAddress ?? "?")", "error": "\(error)"])
        }
    }

    /// Serves one request; returns whether the connection stays open.
    private func serveRequest(
        _ head: HTTPRequestHead,
        source: RequestPartSource,
        authentication: inout AuthenticationStateMachine,
        outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>,
        remoteAddress: String?,
        lifecycle: ConnectionLifecycle,
        channel: any Channel
    ) async throws -> Bool {
        var info = HTTPRequestInfo(
            method: head.method.rawValue,
            uri: head.uri,
            headers: head.headers.map { HTTPHeaderField(name: $0.name, value: $0.value) },
            user: nil,
            remoteAddress: remoteAddress,
            isSecure: isSecure
        )
        var keepAlive = head.isKeepAlive
        func answer(_ response: WSManHTTPResponse) async throws -> Bool {
            if lifecycle.isDraining { keepAlive = false }
            try await write(response, keepAlive: keepAlive, outbound: outbound)
            return keepAlive
        }
        /// Answers a request refused before its body was wanted; a large body is not read, the
        /// connection is closed instead.
        func refuse(_ response: WSManHTTPResponse) async throws -> Bool {
            if try await !discardBody(source, upTo: limits.maxEnvelopeSize) { keepAlive = false }
            return try await answer(response)
        }

        guard let route = routes.route(for: info.path) else { return try await refuse(.init(status: 404)) }
        if case .wsman = route, head.method != .POST {
            return try await refuse(.init(status: 405, headers: [.init(name: "Allow", value: "POST")]))
        }

        let identifyProbe: Bool
        if case .wsman = route {
            identifyProbe = head.headers.first(name: "WSMANIDENTIFY")?.lowercased() == "unauthenticated"
        } else {
            identifyProbe = false
        }
        let authenticatesItself: Bool
        if case .streaming(let streamingRoute) = route {
            authenticatesItself = streamingRoute.authenticatesItself
        } else {
            authenticatesItself = false
        }
        let action: AuthenticationStateMachine.Action = authenticatesItself
            ? .proceed(nil)
            : authentication.requestReceived(
                authorization: head.headers.first(name: "Authorization"),
                unauthenticatedIdentify: identifyProbe
            )
        switch action {
        case .challenge(let schemes):
            logger.debug("authentication refused", metadata: ["peer": "\(remoteAddress ?? "?")"])
            let headers = schemes.map { HTTPHeaderField(name: "WWW-Authenticate", value: $0) }
            return try await refuse(.init(status: 401, headers: headers))
        case .proceed(let user):
            info.user = user
        }

        if case .wsman = route, !Self.isAcceptedContentType(head.headers.first(name: "Content-Type")) {
            return try await refuse(.init(status: 415))
        }

        // Callers of a self-authenticating route share one slot count, apart from any user's.
        let userKey = info.user?.name.lowercased() ?? (authenticatesItself ? "\u{1}streaming" : "")
        guard gate.tryAcquire(userKey) else {
            let fault = WSManTransportFault.quotaLimit(maxConcurrentOperations: limits.maxConcurrentOperationsPerUser)
            switch route {
            case .wsman(let endpoint): return try await refuse(endpoint.respond(to: fault, for: info))
            case .streaming: return try await refuse(.init(status: 503))
            }
        }
        defer { gate.release(userKey) }

        if head.headers.first(name: "Expect")?.lowercased() == "100-continue" {
            try await outbound.write(.head(HTTPResponseHead(version: head.version, status: .continue)))
        }

        switch route {
        case .wsman(let endpoint):
            guard let body = try await readEnvelope(head, source: source) else {
                let fault = WSManTransportFault.encodingLimit(maxEnvelopeSize: limits.maxEnvelopeSize)
                logger.debug("envelope too large", metadata: ["peer": "\(remoteAddress ?? "?")"])
                return try await answer(endpoint.respond(to: fault, for: info))
            }
            let response = await endpoint.respond(to: WSManHTTPRequest(info: info, body: body))
            return try await answer(response)
        case .streaming(let streamingRoute):
            if isSecure { info.clientCertificate = await Self.clientCertificate(of: channel) }
            let response = await streamingRoute.endpoint.respond(to: info, body: HTTPRequestBody(source: source))
            try await source.discardBody()
            return try await answer(response)
        }
    }

    /// Reads a `/wsman` body, or returns nil (having read and discarded it) when it exceeds the limit.
    private func readEnvelope(_ head: HTTPRequestHead, source: RequestPartSource) async throws -> [UInt8]? {
        let limit = limits.maxEnvelopeSize
        let declared = head.headers.first(name: "Content-Length").flatMap { Int($0) }
        if let declared, declared > limit {
            try await source.discardBody()
            return nil
        }
        var body: [UInt8] = []
        body.reserveCapacity(declared ?? 0)
        var tooLarge = false
        while let chunk = try await source.nextBodyChunk() {
            if tooLarge { continue }
            if body.count + chunk.readableBytes > limit {
                tooLarge = true
                body = []
                continue
            }
            body.append(contentsOf: chunk.readableBytesView)
        }
        return tooLarge ? nil : body
    }

    /// Discards the current body; false (leaving the rest unread) once more than `limit` bytes came.
    private func discardBody(_ source: RequestPartSource, upTo limit: Int) async throws -> Bool {
        var seen = 0
        while let chunk = try await source.nextBodyChunk() {
            seen += chunk.readableBytes
            if seen > limit { return false }
        }
        return true
    }

    private func write(
        _ response: WSManHTTPResponse,
        keepAlive: Bool,
        outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws {
        var headers = HTTPHeaders()
        headers.add(name: "Server", value: Self.serverHeader)
        if let contentType = response.contentType { headers.add(name: "Content-Type", value: contentType) }
        for field in response.headers { headers.add(name: field.name, value: field.value) }
        headers.add(name: "Content-Length", value: String(response.body.count))
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(
            version: .http1_1,
            status: HTTPResponseStatus(statusCode: response.status),
            headers: headers
        )
        var parts: [HTTPServerResponsePart] = [.head(head)]
        if !response.body.isEmpty { parts.append(.body(.byteBuffer(ByteBuffer(bytes: response.body)))) }
        parts.append(.end(nil))
        try await outbound.write(contentsOf: parts)
    }

    /// `application/soap+xml` with any parameters, or the MS-WSMV encrypted multipart form.
    static func isAcceptedContentType(_ value: String?) -> Bool {
        guard let value else { return false }
        if let ascii = isAcceptedASCIIContentType(value) { return ascii }
        let first = value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let mediaType = String(first.filter { $0 != " " && $0 != "\t" }).lowercased()
        return mediaType == "application/soap+xml" || mediaType == "multipart/encrypted"
    }

    /// `isAcceptedContentType` byte by byte for an ASCII value (where a character is a byte, or CR LF, which no
    /// accepted type contains); nil for anything else.
    private static func isAcceptedASCIIContentType(_ value: String) -> Bool? {
        var mediaType: [UInt8] = []
        mediaType.reserveCapacity(24)
        for byte in value.utf8 {
            if byte >= 0x80 { return nil }
            if byte == UInt8(ascii: ";") { break }
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { continue }
            mediaType.append(byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte)
        }
        return mediaType.elementsEqual("application/soap+xml".utf8)
            || mediaType.elementsEqual("multipart/encrypted".utf8)
    }

    private static func describe(_ address: SocketAddress) -> String {
        guard let ip = address.ipAddress, let port = address.port else { return address.description }
        return ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }
}
