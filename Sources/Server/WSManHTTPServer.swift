import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NTLM
import ServiceLifecycle

/// The WS-Management HTTP(S) server: `/wsman` for the `WSManEndpoint`, plus any streaming routes.
///
/// Run it in a `ServiceGroup`: on graceful shutdown it stops accepting, lets in-flight requests finish
/// (at most `ServerLimits.shutdownGracePeriod`), closes idle keep-alive connections and returns.
public final class WSManHTTPServer: Service, Sendable {
    /// A connection, served by its `HTTPConnectionHandler`; the listener's task only waits for it to close.
    private struct Connection: Sendable {
        var channel: any Channel
        var lifecycle: ConnectionLifecycle
    }

    private typealias Listener = NIOAsyncChannel<Connection, Never>

    private enum BindState {
        case pending([CheckedContinuation<BoundAddresses, any Error>])
        case done(Result<BoundAddresses, any Error>)
    }

    private let configuration: ServerConfiguration
    private let routes: ServerRoutes
    private let sslContext: NIOSSLContext?
    private let gate: OperationGate
    private let logger: Logger
    private let bindState = NIOLockedValueBox(BindState.pending([]))

    /// Creates a server; throws on a configuration error (an HTTPS listener without certificate and
    /// key, unreadable TLS material, no listener at all).
    public init(
        configuration: ServerConfiguration,
        endpoint: any WSManEndpoint,
        streamingRoutes: [StreamingRoute] = [],
        logger: Logger
    ) throws(ServerError) {
        if configuration.httpsListen != nil {
            guard let tls = configuration.tls else { throw .missingTLSCertificate }
            self.sslContext = try tls.makeContext()
        } else {
            self.sslContext = nil
        }
        guard configuration.listen != nil || configuration.httpsListen != nil else {
            throw .invalidAddress("(no listener configured)")
        }
        self.configuration = configuration
        self.routes = ServerRoutes(wsman: endpoint, streaming: streamingRoutes)
        self.gate = OperationGate(limit: configuration.limits.maxConcurrentOperationsPerUser)
        self.logger = logger
    }

    /// The addresses the listeners are bound to, once `run()` has bound them; throws if binding failed.
    public func boundAddresses() async throws -> BoundAddresses {
        try await withCheckedThrowingContinuation { continuation in
            let result: Result<BoundAddresses, any Error>? = bindState.withLockedValue { state in
                switch state {
                case .pending(var waiting):
                    waiting.append(continuation)
                    state = .pending(waiting)
                    return nil
                case .done(let result):
                    return result
                }
            }
            if let result { continuation.resume(with: result) }
        }
    }

    /// Binds the listeners and serves until graceful shutdown or cancellation.
    public func run() async throws {
        let listeners: [Listener]
        do {
            var bound: [Listener] = []
            var addresses = BoundAddresses(http: nil, https: nil)
            if let address = configuration.listen {
                let listener = try await bind(address, sslContext: nil, isSecure: false)
                bound.append(listener)
                addresses.http = Self.listenAddress(listener.channel.localAddress, fallback: address)
            }
            if let address = configuration.httpsListen {
                let listener = try await bind(address, sslContext: sslContext, isSecure: true)
                bound.append(listener)
                addresses.https = Self.listenAddress(listener.channel.localAddress, fallback: address)
            }
            listeners = bound
            finishBinding(.success(addresses))
        } catch {
            finishBinding(.failure(error))
            throw error
        }

        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                for listener in listeners {
                    group.addTask { try await self.accept(on: listener) }
                }
            }
        } onGracefulShutdown: {
            for listener in listeners { listener.channel.close(promise: nil) }
        }
    }

    /// Accepts connections until the listener closes, then waits for the open ones to end. Graceful shutdown
    /// closes an idle connection at once and lets a busy one finish its request (`ConnectionLifecycle`).
    private func accept(on listener: Listener) async throws {
        try await listener.executeThenClose { inbound in
            try await withThrowingDiscardingTaskGroup { group in
                do {
                    for try await connection in inbound {
                        group.addTask {
                            await withGracefulShutdownHandler {
                                try? await connection.channel.closeFuture.get()
                            } onGracefulShutdown: {
                                connection.lifecycle.shutdown()
                            }
                        }
                    }
                } catch is ChannelError {
                    // The listener was closed for shutdown; the connections still finish.
                }
            }
        }
    }

    private func bind(_ address: ListenAddress, sslContext: NIOSSLContext?, isSecure: Bool) async throws -> Listener {
        let limits = configuration.limits
        let routes = self.routes
        let connectionConfiguration = HTTPConnectionHandler.Configuration(
            routes: routes,
            users: configuration.users,
            negotiate: configuration.negotiateConfiguration,
            limits: limits,
            gate: gate,
            isSecure: isSecure,
            logger: logger
        )
        let requestsClientCertificate = configuration.tls?.requestsClientCertificate ?? false
        let decoderLimits = {
            var decoderLimits = NIOHTTPDecoderLimitConfiguration()
            decoderLimits.maxHeaderListSize = limits.maxHeaderSize
            decoderLimits.maxHeaderFieldSize = limits.maxHeaderSize
            decoderLimits.maxHeaderFieldCount = 256
            return decoderLimits
        }()
        return try await ServerBootstrap(group: configuration.eventLoopGroup)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: address.host, port: address.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let sslContext {
                        try pipeline.addHandler(
                            requestsClientCertificate
                                ? NIOSSLServerHandler(
                                    context: sslContext,
                                    customVerificationCallback: ServerTLSConfiguration.acceptAnyCertificate
                                )
                                : NIOSSLServerHandler(context: sslContext)
                        )
                    }
                    // NIO's request decoder; no response encoder: HTTPConnectionHandler writes each response whole
                    // (HTTPResponseSerializer), checks the headers endpoints add and answers unparseable input
                    // with 400, and times the connection.
                    try pipeline.addHandler(
                        ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes,
                                                                limitConfiguration: decoderLimits))
                    )
                    let lifecycle = ConnectionLifecycle(channel: channel, gracePeriod: limits.shutdownGracePeriod)
                    try pipeline.addHandler(
                        HTTPConnectionHandler(configuration: connectionConfiguration, lifecycle: lifecycle)
                    )
                    return Connection(channel: channel, lifecycle: lifecycle)
                }
            }
    }

    private func finishBinding(_ result: Result<BoundAddresses, any Error>) {
        let waiting = bindState.withLockedValue { state in
            guard case .pending(let waiting) = state else { return [CheckedContinuation<BoundAddresses, any Error>]() }
            state = .done(result)
            return waiting
        }
        for continuation in waiting { continuation.resume(with: result) }
    }

    private static func listenAddress(_ address: SocketAddress?, fallback: ListenAddress) -> ListenAddress {
        guard let address, let port = address.port else { return fallback }
        return ListenAddress(host: address.ipAddress ?? fallback.host, port: port)
    }
}
