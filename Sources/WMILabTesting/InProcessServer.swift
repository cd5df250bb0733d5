import Logging
import Server
import ServiceLifecycle

/// Runs a `WSManHTTPServer` in-process on `127.0.0.1:0` for the length of a test.
public enum InProcessServer {
    /// Starts a server with `endpoint` on a free loopback port, runs `body`, then shuts it down
    /// gracefully and waits for it to stop.
    ///
    /// - Parameter configure: adjusts the configuration (users, limits, HTTPS...) before start;
    ///   `listen` is preset to `127.0.0.1:0`.
    public static func withServer<Result: Sendable>(
        endpoint: any WSManEndpoint,
        streamingRoutes: [StreamingRoute] = [],
        configure: (inout ServerConfiguration) -> Void = { _ in },
        logger: Logger = Logger(label: "wmilab.test", factory: { _ in SwiftLogNoOpLogHandler() }),
        _ body: (RunningServer) async throws -> Result
    ) async throws -> Result {
        var configuration = ServerConfiguration(listen: ListenAddress(host: "127.0.0.1", port: 0))
        configure(&configuration)
        let server = try WSManHTTPServer(
            configuration: configuration,
            endpoint: endpoint,
            streamingRoutes: streamingRoutes,
            logger: logger
        )
        let group = ServiceGroup(
            services: [server], gracefulShutdownSignals: [], cancellationSignals: [], logger: logger
        )
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let running: RunningServer
            do {
                running = RunningServer(addresses: try await server.boundAddresses(), group: group)
            } catch {
                tasks.cancelAll()
                throw error
            }
            let result: Result
            do {
                result = try await body(running)
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        }
    }
}

/// A server started by `InProcessServer.withServer`.
public struct RunningServer: Sendable {
    /// Where it listens.
    public let addresses: BoundAddresses
    private let group: ServiceGroup

    init(addresses: BoundAddresses, group: ServiceGroup) {
        self.addresses = addresses
        self.group = group
    }

    /// The HTTP port (or the HTTPS one when only HTTPS is configured).
    public var port: Int { (addresses.http ?? addresses.https)?.port ?? 0 }

    /// The `/wsman` URL on the HTTP listener, e.g. `http://127.0.0.1:49152/wsman`.
    public var url: String { "http://127.0.0.1:\(port)/wsman" }

    /// Begins graceful shutdown now (the server finishes in-flight requests and stops).
    public func triggerGracefulShutdown() async {
        await group.triggerGracefulShutdown()
    }
}
