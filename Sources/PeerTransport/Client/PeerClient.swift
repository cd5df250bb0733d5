import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// The client side of host-to-host replication traffic, over async-http-client: one shared `HTTPClient` with
/// keep-alive connections, request bodies streamed with back-pressure (each chunk waits for the previous write).
///
/// Call `shutdown()` before dropping the last reference (async-http-client requires it).
public final class PeerClient: Sendable {
    private let hostName: String
    private let secret: String
    private let directory: PeerDirectory
    /// Nil when a client certificate is loaded; else why `.certificate` cannot be used.
    private let certificateProblem: PeerError?
    private let linkCheck: (@Sendable (String) async throws -> Void)?
    private let logger: Logger
    private let httpClient: HTTPClient
    private let eventLoopGroup: any EventLoopGroup
    /// Seconds since 1970 (replaced in tests).
    let now: @Sendable () -> Int64

    /// Creates the client of host `hostName`.
    ///
    /// - Parameters:
    ///   - secret: the lab's shared secret (`PeerEndpoint.defaultSecret` unless configured).
    ///   - directory: where peers' host names resolve.
    ///   - tls: the client certificate presented to HTTPS peers, needed for `.certificate`. Whatever the
    ///     configuration, a peer's server certificate is accepted without verification: in a lab every host's
    ///     certificate is self-signed, and peers prove who they are with the secret or their client certificate.
    ///   - linkCheck: called before every request with the peer's host name; it throws `PeerError.unreachable` (a
    ///     cut link) or sleeps (a slow one). Any other error it throws counts as unreachable too.
    public convenience init(
        hostName: String,
        secret: String,
        directory: PeerDirectory,
        tls: PeerClientTLS?,
        linkCheck: (@Sendable (String) async throws -> Void)? = nil,
        logger: Logger
    ) {
        self.init(
            hostName: hostName, secret: secret, directory: directory, tls: tls, linkCheck: linkCheck, logger: logger,
            connectTimeout: .seconds(5), now: { Int64(Date().timeIntervalSince1970) }
        )
    }

    init(
        hostName: String,
        secret: String,
        directory: PeerDirectory,
        tls: PeerClientTLS?,
        linkCheck: (@Sendable (String) async throws -> Void)?,
        logger: Logger,
        connectTimeout: TimeAmount,
        now: @escaping @Sendable () -> Int64
    ) {
        self.hostName = hostName
        self.secret = secret
        self.directory = directory
        self.linkCheck = linkCheck
        self.logger = logger
        self.now = now
        var configuration = HTTPClient.Configuration()
        do throws(PeerError) {
            guard let tls else {
                throw .protocolError("certificate authentication needs this host's client certificate")
            }
            configuration.tlsConfiguration = try tls.makeConfiguration()
            certificateProblem = nil
        } catch {
            configuration.tlsConfiguration = PeerClientTLS.anyServer()
            certificateProblem = error
        }
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        configuration.httpVersion = .http1Only
        // async-http-client retries a refused connection until the connect timeout: it is how long a dead peer
        // takes to be reported. The read timeout bounds a silent peer, not a long upload or apply.
        configuration.timeout = HTTPClient.Configuration.Timeout(connect: connectTimeout, read: .seconds(600))
        configuration.connectionPool = HTTPClient.Configuration.ConnectionPool(idleTimeout: .seconds(60))
        eventLoopGroup = HTTPClient.defaultEventLoopGroup
        httpClient = HTTPClient(eventLoopGroup: eventLoopGroup, configuration: configuration,
                                backgroundActivityLogger: logger)
    }

    /// Sends `operation` with `parameters` (a small JSON document, at most 64 KiB) and streams `body` (for
    /// example a `ReplicationStreamProducer`) as the upload, chunk by chunk as the connection drains; returns the
    /// peer's reply JSON. Without an upload, call `send(to:operation:parameters:authentication:)`.
    ///
    /// Throws `PeerError`: `.unreachable` (no address, connection refused or dropped, a link fault), `.unauthorized`,
    /// `.refused` with the peer handler's code and message, `.protocolError`; or the error `body` threw.
    public func send<Body: AsyncSequence & Sendable>(
        to hostName: String,
        operation: String,
        parameters: [UInt8],
        body: Body?,
        authentication: PeerAuthentication
    ) async throws -> [UInt8] where Body.Element == [UInt8] {
        try await send(to: hostName, operation: operation, parameters: parameters,
                       body: body.map { ByteBufferChunks(base: $0) }, authentication: authentication)
    }

    /// Sends `operation` with `parameters` and streams `body` as the upload, as the `[UInt8]` variant does, sending
    /// each `ByteBuffer` as it is (no copy). The next chunk is asked for only once the previous one is written to
    /// the connection, so a body may hand out the same storage again (a `ByteBuffer` it cleared).
    public func send<Body: AsyncSequence & Sendable>(
        to hostName: String,
        operation: String,
        parameters: [UInt8],
        body: Body?,
        authentication: PeerAuthentication
    ) async throws -> [UInt8] where Body.Element == ByteBuffer {
        guard let body else {
            return try await send(to: hostName, operation: operation, parameters: parameters,
                                  authentication: authentication)
        }
        let failure = UploadFailure()
        let upload = PeerUpload(parameters: parameters, base: body, failure: failure)
        let eventLoop = eventLoopGroup.next()
        let requestBody = HTTPClient.Body.stream(contentLength: nil) { writer in
            let promise = eventLoop.makePromise(of: Void.self)
            promise.completeWithTask {
                var chunks = upload.makeAsyncIterator()
                while let chunk = try await chunks.next() {
                    // Waiting for each write (it completes once the channel takes more) keeps the channel's buffer
                    // and a chunk in memory, however far the event loop lags behind the producer.
                    try await writer.write(.byteBuffer(chunk)).get()
                }
            }
            return promise.futureResult
        }
        return try await perform(
            to: hostName, operation: operation, parameters: parameters, body: requestBody, failure: failure,
            authentication: authentication
        )
    }

    /// Sends `operation` with `parameters` and no upload; returns the peer's reply JSON.
    public func send(
        to hostName: String,
        operation: String,
        parameters: [UInt8],
        authentication: PeerAuthentication
    ) async throws -> [UInt8] {
        try await perform(
            to: hostName, operation: operation, parameters: parameters,
            body: .byteBuffer(ByteBuffer(bytes: parameters)), failure: nil, authentication: authentication
        )
    }

    /// Closes the connections. The client cannot be used afterwards.
    public func shutdown() async throws {
        try await httpClient.shutdown()
    }

    private func perform(
        to peer: String,
        operation: String,
        parameters: [UInt8],
        body: HTTPClient.Body,
        failure: UploadFailure?,
        authentication: PeerAuthentication
    ) async throws -> [UInt8] {
        do {
            let reply = try await exchange(
                to: peer, operation: operation, parameters: parameters, body: body, failure: failure,
                authentication: authentication
            )
            logger.debug("peer request done", metadata: ["peer": "\(peer)", "operation": "\(operation)"])
            return reply
        } catch {
            logger.debug("peer request failed", metadata: [
                "peer": "\(peer)", "operation": "\(operation)", "error": "\(error)",
            ])
            throw error
        }
    }

    private func exchange(
        to peer: String,
        operation: String,
        parameters: [UInt8],
        body: HTTPClient.Body,
        failure: UploadFailure?,
        authentication: PeerAuthentication
    ) async throws -> [UInt8] {
        guard PeerWire.isValidOperation(operation) else {
            throw PeerError.protocolError("invalid peer operation name '\(operation)'")
        }
        guard parameters.count <= PeerWire.maxParametersSize else {
            throw PeerError.protocolError(
                "the parameters of \(operation) are \(parameters.count) bytes, more than \(PeerWire.maxParametersSize)"
            )
        }
        try await checkLink(to: peer)
        guard let address = directory.address(of: peer) else {
            throw PeerError.unreachable(
                host: peer, "no address is known for it (wmilab serve --peer \(peer)=ADDR:PORT)"
            )
        }

        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: PeerWire.contentType)
        headers.add(name: PeerWire.parametersLengthHeader, value: String(parameters.count))
        switch authentication {
        case .sharedSecret:
            let signature = PeerSignature.sign(
                secret: secret, hostName: hostName, targetHost: peer, timestamp: now(),
                nonce: PeerSignature.makeNonce(), operation: operation, parameters: parameters
            )
            headers.add(name: "Authorization", value: signature.headerValue)
        case .certificate:
            guard address.useTLS else {
                throw PeerError.protocolError(
                    "certificate authentication needs an HTTPS peer: --peer \(peer)=https://ADDR:PORT"
                )
            }
            if let certificateProblem { throw certificateProblem }
            headers.add(name: PeerWire.hostHeader, value: hostName)
        }

        let url = address.baseURL + PeerWire.path(of: operation)
        let request: HTTPClient.Request
        do {
            request = try HTTPClient.Request(url: url, method: .POST, headers: headers, body: body)
        } catch {
            throw PeerError.protocolError("cannot address the replication peer \(peer) as \(url): \(error)")
        }
        let delegate = ResponseAccumulator(request: request, maxBodySize: PeerWire.maxReplySize)
        let task = httpClient.execute(request: request, delegate: delegate, deadline: nil, logger: logger)
        let response: HTTPClient.Response
        do {
            response = try await withTaskCancellationHandler {
                try await task.futureResult.get()
            } onCancel: {
                task.cancel()
            }
        } catch {
            throw Self.classify(error, peer: peer, failure: failure)
        }
        let reply = response.body.map { Array($0.readableBytesView) } ?? []
        guard response.status == .ok else {
            let wire = try? JSONDecoder().decode(PeerWireError.self, from: Data(reply))
            throw PeerError(status: Int(response.status.code), wire: wire)
        }
        return reply
    }

    private func checkLink(to peer: String) async throws {
        guard let linkCheck else { return }
        do {
            try await linkCheck(peer)
        } catch let error as PeerError {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch {
            throw PeerError.unreachable(host: peer, "\(error)")
        }
    }

    /// What a failed exchange means to the caller: the upload's own error, cancellation, or an unreachable peer.
    private static func classify(_ error: any Error, peer: String, failure: UploadFailure?) -> any Error {
        if let uploadError = failure?.error { return uploadError }
        if error is PeerError || error is CancellationError { return error }
        if let clientError = error as? HTTPClientError, clientError == .cancelled { return CancellationError() }
        if error is ResponseAccumulator.ResponseTooBigError {
            return PeerError.protocolError("the reply of \(peer) is larger than \(PeerWire.maxReplySize) bytes")
        }
        return PeerError.unreachable(host: peer, "\(error)")
    }
}

/// `[UInt8]` chunks as `ByteBuffer`s.
private struct ByteBufferChunks<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable
where Base.Element == [UInt8] {
    typealias Element = ByteBuffer

    let base: Base

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator

        mutating func next() async throws -> ByteBuffer? {
            try await base.next().map { ByteBuffer(bytes: $0) }
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator()) }
}
