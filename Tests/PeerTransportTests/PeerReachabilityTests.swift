import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing
import WMILabTesting

@testable import PeerTransport

@Suite("Unreachable peers")
struct PeerReachabilityTests {
    @Test("A host name the directory does not know is unreachable")
    func unknownHost() async throws {
        try await withPeerClient(peers: ["WMILAB-HV02=127.0.0.1:5985"]) { client in
            let error = await peerError {
                try await client.send(to: "WMILAB-HV09", operation: "ping", parameters: [],
                                      authentication: .sharedSecret)
            }
            #expect(error?.isUnreachable == true)
            #expect(error?.unreachableHost == "WMILAB-HV09")
        }
    }

    @Test("A closed port is unreachable")
    func closedPort() async throws {
        // A port that was just served and is closed now.
        let port = try await withPeerHost(handler: RecordingHandler()) { host in host.server.port }
        try await withPeerClient(peers: ["WMILAB-HV02=127.0.0.1:\(port)"]) { client in
            let error = await peerError {
                try await client.send(to: "WMILAB-HV02", operation: "ping", parameters: [],
                                      authentication: .sharedSecret)
            }
            #expect(error?.isUnreachable == true)
            #expect(error?.unreachableHost == "WMILAB-HV02")
        }
    }

    @Test("A throwing link check makes the peer unreachable before any connection")
    func linkCheckThrows() async throws {
        struct LinkDown: Error {}
        let handler = RecordingHandler()
        let checked = NIOLockedValueBox<[String]>([])
        try await withPeerHost(handler: handler) { host in
            try await withPeerClient(
                peers: ["WMILAB-HV02=\(host.address)"],
                linkCheck: { peer in
                    checked.withLockedValue { $0.append(peer) }
                    throw LinkDown()
                }
            ) { client in
                let error = await peerError {
                    try await client.send(to: "wmilab-hv02", operation: "ping", parameters: [],
                                          authentication: .sharedSecret)
                }
                #expect(error?.isUnreachable == true)
                #expect(error?.unreachableHost == "wmilab-hv02")
            }
        }
        #expect(checked.withLockedValue { $0 } == ["wmilab-hv02"])
        #expect(handler.requests.isEmpty)
    }

    @Test("A throwing link check opens no connection at all; without it the same peer is connected to")
    func linkCheckOpensNoConnection() async throws {
        struct LinkDown: Error {}
        let accepted = NIOLockedValueBox(0)
        // A bare listener that counts connections and closes each at once.
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                accepted.withLockedValue { $0 += 1 }
                return channel.close()
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(listener.localAddress?.port)
        try await withPeerClient(peers: ["WMILAB-HV02=127.0.0.1:\(port)"], linkCheck: { _ in throw LinkDown() }) {
            client in
            let error = await peerError {
                try await client.send(to: "WMILAB-HV02", operation: "ping", parameters: [],
                                      authentication: .sharedSecret)
            }
            #expect(error?.isUnreachable == true)
        }
        #expect(accepted.withLockedValue { $0 } == 0)
        try await withPeerClient(peers: ["WMILAB-HV02=127.0.0.1:\(port)"]) { client in
            let error = await peerError {
                try await client.send(to: "WMILAB-HV02", operation: "ping", parameters: [],
                                      authentication: .sharedSecret)
            }
            #expect(error?.isUnreachable == true)
        }
        #expect(accepted.withLockedValue { $0 } >= 1)
        try await listener.close()
    }

    @Test("A link check that passes lets the request through")
    func linkCheckPasses() async throws {
        let handler = RecordingHandler()
        try await withPeerHost(handler: handler) { host in
            try await withPeerClient(peers: ["WMILAB-HV02=\(host.address)"], linkCheck: { _ in }) { client in
                _ = try await client.send(to: "WMILAB-HV02", operation: "ping", parameters: [],
                                          authentication: .sharedSecret)
            }
        }
        #expect(handler.requests.count == 1)
    }

    @Test("Certificate authentication to a plain HTTP peer is refused before sending")
    func certificateNeedsHTTPS() async throws {
        let handler = RecordingHandler()
        try await withPeerHost(handler: handler) { host in
            try await withPeerClient(peers: ["WMILAB-HV02=\(host.address)"]) { client in
                let error = await peerError {
                    try await client.send(to: "WMILAB-HV02", operation: "ping", parameters: [],
                                          authentication: .certificate)
                }
                #expect(error?.isProtocolError == true)
            }
        }
        #expect(handler.requests.isEmpty)
    }

    @Test("Parameters over 64 KiB and bad operation names are refused before sending")
    func clientSideLimits() async throws {
        try await withPeerClient(peers: ["WMILAB-HV02=127.0.0.1:1"]) { client in
            let tooLarge = await peerError {
                try await client.send(to: "WMILAB-HV02", operation: "ping",
                                      parameters: [UInt8](repeating: 32, count: 64 * 1024 + 1),
                                      authentication: .sharedSecret)
            }
            #expect(tooLarge?.isProtocolError == true)
            let badName = await peerError {
                try await client.send(to: "WMILAB-HV02", operation: "../wsman", parameters: [],
                                      authentication: .sharedSecret)
            }
            #expect(badName?.isProtocolError == true)
        }
    }
}
