import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
@testable import PeerTransport
import Server
import WMILabTesting

let quietLogger = Logger(label: "wmilab.peer.test", factory: { _ in SwiftLogNoOpLogHandler() })

/// `/wsman` of the test servers: the peer route is what is under test.
struct NullWSManEndpoint: WSManEndpoint {
    func respond(to request: WSManHTTPRequest) async -> WSManHTTPResponse {
        .soap(Array("<s:Envelope/>".utf8))
    }
}

/// What a recording handler saw of one request.
struct SeenRequest: Sendable, Hashable {
    var operation: String
    var parameters: [UInt8]
    var bodyBytes: Int
    var bodyDigest: [UInt8]
    var peer: PeerIdentity
}

/// Serves peer requests by a closure, recording every request that reached it.
final class RecordingHandler: PeerRequestHandler {
    typealias Reply = @Sendable (String, [UInt8], PeerIdentity) async throws -> [UInt8]

    private let seen = NIOLockedValueBox<[SeenRequest]>([])
    private let reply: Reply

    init(reply: @escaping Reply = { operation, parameters, peer in
        Array("{\"operation\":\"\(operation)\",\"from\":\"\(peer.hostName)\"}".utf8) + parameters
    }) {
        self.reply = reply
    }

    var requests: [SeenRequest] { seen.withLockedValue { $0 } }

    func handle(operation: String, parameters: [UInt8], body: PeerBody, from peer: PeerIdentity) async throws
        -> [UInt8]
    {
        var count = 0
        let hasher = IncrementalSHA256()
        for try await chunk in body {
            count += chunk.count
            hasher.update(chunk)
        }
        seen.withLockedValue {
            $0.append(SeenRequest(operation: operation, parameters: parameters, bodyBytes: count,
                                  bodyDigest: hasher.finalize(), peer: peer))
        }
        return try await reply(operation, parameters, peer)
    }
}

/// A host of a test lab: a server with the peer route, and where to reach it.
struct TestPeerHost: Sendable {
    var name: String
    var server: RunningServer

    var address: String { "127.0.0.1:\(server.port)" }
    var httpsAddress: String { "https://127.0.0.1:\(server.addresses.https?.port ?? 0)" }
}

/// Runs `body` with a peer host named `name` serving `handler` on 127.0.0.1 (and HTTPS when `tls` is given).
func withPeerHost<Result: Sendable>(
    name: String = "WMILAB-HV02",
    secret: String = PeerEndpoint.defaultSecret,
    handler: any PeerRequestHandler,
    tls: ServerTLSConfiguration? = nil,
    now: (@Sendable () -> Int64)? = nil,
    _ body: (TestPeerHost) async throws -> Result
) async throws -> Result {
    let endpoint = now.map {
        PeerEndpoint(hostName: name, secret: secret, handler: handler, logger: quietLogger, now: $0)
    } ?? PeerEndpoint(hostName: name, secret: secret, handler: handler, logger: quietLogger)
    return try await InProcessServer.withServer(
        endpoint: NullWSManEndpoint(),
        streamingRoutes: [try endpoint.route()],
        configure: { configuration in
            if let tls {
                configuration.httpsListen = ListenAddress(host: "127.0.0.1", port: 0)
                configuration.tls = tls
            }
        }
    ) { server in
        try await body(TestPeerHost(name: name, server: server))
    }
}

/// Runs `body` with a client of host `name`, shut down afterwards.
func withPeerClient<Result>(
    name: String = "WMILAB-HV01",
    secret: String = PeerEndpoint.defaultSecret,
    peers: [String],
    tls: PeerClientTLS? = nil,
    linkCheck: (@Sendable (String) async throws -> Void)? = nil,
    now: (@Sendable () -> Int64)? = nil,
    _ body: (PeerClient) async throws -> Result
) async throws -> Result {
    let directory = try PeerDirectory(parsing: peers)
    let client = PeerClient(
        hostName: name, secret: secret, directory: directory, tls: tls, linkCheck: linkCheck, logger: quietLogger,
        connectTimeout: .seconds(1), now: now ?? currentUnixTime
    )
    do {
        let result = try await body(client)
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}

/// Runs `operation` expecting a `PeerError`, and returns it (nil when it succeeded or threw something else).
func peerError<T>(_ operation: () async throws -> T) async -> PeerError? {
    do {
        _ = try await operation()
        return nil
    } catch let error as PeerError {
        return error
    } catch {
        return nil
    }
}

func currentUnixTime() -> Int64 { Int64(Date().timeIntervalSince1970) }
