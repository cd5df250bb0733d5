import Foundation
import Server
import Testing
import WMILabTesting

private let labAuth = ("Authorization", TestHTTPConnection.basicAuthorization("labuser", "LabPass1!"))
private let soapType = ("Content-Type", "application/soap+xml;charset=UTF-8")

private func wsman(_ body: String, headers: [(String, String)] = [labAuth, soapType]) -> [UInt8] {
    TestHTTPConnection.request(headers: headers, body: Array(body.utf8))
}

@Suite("HTTP server")
struct HTTPServerTests {
    @Test("keep-alive: several requests on one connection")
    func keepAlive() async throws {
        try await InProcessServer.withServer(endpoint: EchoEndpoint()) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                for index in 1...3 {
                    try await connection.send(wsman("<e>\(index)</e>"))
                    let response = try #require(try await connection.readResponse())
                    #expect(response.status == 200)
                    #expect(response.text == "user=labuser|;path=/wsman;<e>\(index)</e>")
                    #expect(response.header("Content-Type") == "application/soap+xml;charset=UTF-8")
                    #expect(response.header("Server") == "Microsoft-HTTPAPI/2.0")
                    #expect(response.header("Connection") == nil)
                    #expect(response.header("Content-Encoding") == nil)
                }
            }
        }
    }

    @Test("pipelined requests are answered in request order")
    func pipelining() async throws {
        try await InProcessServer.withServer(endpoint: EchoEndpoint()) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                // The first one is slow: a server answering out of order would send "two" first.
                try await connection.send(wsman("slow:one") + wsman("two") + wsman("three"))
                var bodies: [String] = []
                for _ in 0..<3 {
                    let response = try #require(try await connection.readResponse())
                    #expect(response.status == 200)
                    bodies.append(response.text)
                }
                #expect(bodies == ["slow:one", "two", "three"].map { "user=labuser|;path=/wsman;\($0)" })
            }
        }
    }

    @Test("Basic is accepted in every account spelling",
          arguments: ["labuser", ".\\labuser", "LAB\\labuser", "LABUSER"])
    func basicAccepted(account: String) async throws {
        try await InProcessServer.withServer(endpoint: EchoEndpoint()) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                let auth = ("Authorization", TestHTTPConnection.basicAuthorization(account, "LabPass1!"))
                try await connection.send(wsman("<x/>", headers: [auth, soapType]))
                let response = try #require(try await connection.readResponse())
                #expect(response.status == 200)
                #expect(response.text.hasPrefix("user=labuser|"))
            }
        }
    }

    @Test("refused or missing credentials get a Windows-shaped 401 and the connection stays usable", arguments: [
        [soapType],
        [("Authorization", TestHTTPConnection.basicAuthorization("labuser", "wrong")), soapType],
        [("Authorization", TestHTTPConnection.basicAuthorization("LAB\\intruder", "LabPass1!")), soapType],
        [("Authorization", "Basic %%%"), soapType],
        [("Authorization", "Basic"), soapType],
        [("Authorization", "Digest username=\"labuser\""), soapType],
    ])
    func unauthorized(headers: [(String, String)]) async throws {
        try await InProcessServer.withServer(endpoint: EchoEndpoint()) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                try await connection.send(wsman("<x/>", headers: headers))
                let response = try #require(try await connection.readResponse())
                #expect(response.status == 401)
                #expect(response.body.isEmpty)
                #expect(response.header("Server") == "Microsoft-HTTPAPI/2.0")
                #expect(response.values(of: "WWW-Authenticate") == ["Negotiate", "Basic realm=\"WSMAN\""])
                try await connection.send(wsman("<again/>"))
                #expect(try await connection.readResponse()?.status == 200)
            }
        }
    }

    @Test("a Negotiate attempt is answered 401 with an NTLM CHALLENGE")
    func negotiate() async throws {
        try await InProcessServer.withServer(endpoint: EchoEndpoint()) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                let ntlmNegotiate = "Negotiate TlRMTVNTUAABAAAAt4II4gAAAAAAAAAAAAAAAAAAAAAKAGNFAAAADw=="
                try await connection.send(TestHTTPConnection.request(headers: [("Authorization", ntlmNegotiate)]))
                let response = try #require(try await connection.readResponse())
                #expect(response.status == 401)
                let challenge = try #require(response.values(of: "WWW-Authenticate").first)
                // A raw NTLM CHALLENGE: base64 of "NTLMSSP\0" followed by message type 2.
                #expect(challenge.hasPrefix("Negotiate TlRMTVNTUAACAAAA"))
                #expect(response.values(of: "WWW-Authenticate").count == 1)
            }
        }
    }

    @Test("the unauthenticated Identify probe reaches the endpoint without a user")
    func unauthenticatedIdentify() async throws {
        try await InProcessServer.withServer(endpoint: EchoEndpoint()) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                let probe = [soapType, ("WSMANIDENTIFY", "unauthenticated")]
                try await connection.send(wsman("<identify/>", headers: probe))
                let response = try #require(try await connection.readResponse())
                #expect(response.status == 200)
                #expect(response.text == "user=anonymous;path=/wsman;<identify/>")
            }
        }
    }

    @Test("wrong path 404, wrong method 405, wrong content type 415")
    func routing() async throws {
        try await InProcessServer.withServer(endpoint: EchoEndpoint()) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                try await connection.send(TestHTTPConnection.request(path: "/other", headers: [labAuth, soapType]))
                #expect(try await connection.readResponse()?.status == 404)
                try await connection.send(TestHTTPConnection.request("GET", headers: [labAuth]))
                let notAllowed = try #require(try await connection.readResponse())
                #expect(notAllowed.status == 405)
                #expect(notAllowed.header("Allow") == "POST")
                try await connection.send(wsman("<x/>", headers: [labAuth, ("Content-Type", "text/xml")]))
                #expect(try await connection.readResponse()?.status == 415)
                try await connection.send(wsman("<x/>", headers: [labAuth]))
                #expect(try await connection.readResponse()?.status == 415)
                try await connection.send(TestHTTPConnection.request(path: "/WSMAN?PSVersion=5.1",
                                                                     headers: [labAuth, soapType]))
                let upper = try #require(try await connection.readResponse())
                #expect(upper.status == 200)
                #expect(upper.text == "user=labuser|;path=/WSMAN?PSVersion=5.1;")
            }
        }
    }

    @Test("a chunked body is reassembled")
    func chunked() async throws {
        try await InProcessServer.withServer(endpoint: EchoEndpoint()) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                let head = "POST /wsman HTTP/1.1\r\nHost: x\r\nAuthorization: \(labAuth.1)\r\n"
                    + "Content-Type: application/soap+xml\r\nTransfer-Encoding: chunked\r\n\r\n"
                try await connection.send(head + "3\r\n<a>\r\n")
                try await connection.send("4\r\n</a>\r\n0\r\n\r\n")
                let response = try #require(try await connection.readResponse())
                #expect(response.text == "user=labuser|;path=/wsman;<a></a>")
            }
        }
    }

    @Test("Expect: 100-continue gets an interim 100 before the final answer")
    func expectContinue() async throws {
        try await InProcessServer.withServer(endpoint: EchoEndpoint()) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                let body = "<continue/>"
                let head = "POST /wsman HTTP/1.1\r\nHost: x\r\nAuthorization: \(labAuth.1)\r\n"
                    + "Content-Type: application/soap+xml\r\nExpect: 100-continue\r\n"
                    + "Content-Length: \(body.utf8.count)\r\n\r\n"
                try await connection.send(head)
                try await connection.send(body)
                let response = try #require(try await connection.readResponse())
                #expect(response.status == 200)
                #expect(response.text.hasSuffix(body))
            }
        }
    }

    @Test("the answer to HEAD has the headers and no body, and the next request on the connection is answered")
    func headHasNoBody() async throws {
        let route = try StreamingRoute(pathPrefix: "/wmilab/replication", endpoint: IgnoringStreamEndpoint())
        try await InProcessServer.withServer(endpoint: EchoEndpoint(), streamingRoutes: [route]) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                try await connection.send(TestHTTPConnection.request("HEAD", path: "/wmilab/replication/x",
                                                                     headers: [labAuth]))
                let head = try #require(try await connection.readResponse(toHEAD: true))
                #expect(head.status == 200)
                #expect(head.header("Content-Length") == "7")
                #expect(head.body.isEmpty)
                // Body bytes after the HEAD answer would be read as the start of this one.
                try await connection.send(TestHTTPConnection.request("PUT", path: "/wmilab/replication/x",
                                                                     headers: [labAuth], body: [1, 2, 3]))
                let put = try #require(try await connection.readResponse())
                #expect(put.status == 200)
                #expect(put.text == "ignored")
            }
        }
    }

    @Test("malformed HTTP is answered 400 and closed; the server keeps serving")
    func malformed() async throws {
        try await InProcessServer.withServer(endpoint: EchoEndpoint()) { server in
            for garbage in ["GARBAGE\r\n\r\n", "POST /wsman HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
                            "POST /wsman HTTP/1.1\r\nBad Header\r\n\r\n", "\u{0}\u{1}\u{2}\r\n\r\n"] {
                try await TestHTTPConnection.with(port: server.port) { connection in
                    try await connection.send(garbage)
                    let response = try await connection.readResponse()
                    #expect(response?.status == 400)
                    #expect(try await connection.waitForClose(timeout: .seconds(5)))
                }
            }
            try await TestHTTPConnection.with(port: server.port) { connection in
                try await connection.send(wsman("<still/>"))
                #expect(try await connection.readResponse()?.status == 200)
            }
        }
    }

    @Test("a header block over the limit is refused")
    func oversizedHeaders() async throws {
        try await InProcessServer.withServer(endpoint: EchoEndpoint()) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                let big = String(repeating: "a", count: 20_000)
                try await connection.send(wsman("<x/>", headers: [labAuth, soapType, ("X-Big", big)]))
                let response = try await connection.readResponse()
                #expect(response?.status == 400)
            }
        }
    }

    @Test("a slow client (slowloris) is disconnected at the read timeout")
    func slowClient() async throws {
        try await InProcessServer.withServer(endpoint: EchoEndpoint(), configure: {
            $0.limits.requestReadTimeout = .milliseconds(300)
            $0.limits.idleTimeout = .seconds(30)
        }) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                let clock = ContinuousClock()
                let start = clock.now
                try await connection.send("POST /wsman HTTP/1.1\r\nHost: x\r\n")
                // One header byte every 100 ms: progress, but never a whole request.
                var closedEarly = false
                for byte in "X-Slow: dripping-forever".utf8 {
                    do { try await connection.send([byte]) } catch {
                        closedEarly = true
                        break
                    }
                    try await Task.sleep(for: .milliseconds(100))
                    if clock.now - start > .seconds(1) { break }
                }
                let closed = closedEarly ? true : try await connection.waitForClose(timeout: .seconds(3))
                #expect(closed)
                #expect(clock.now - start < .seconds(3))
            }
        }
    }

    @Test("an idle keep-alive connection is closed at the idle timeout, not before")
    func idleTimeout() async throws {
        try await InProcessServer.withServer(endpoint: EchoEndpoint(), configure: {
            $0.limits.idleTimeout = .milliseconds(400)
        }) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                try await connection.send(wsman("<x/>"))
                #expect(try await connection.readResponse()?.status == 200)
                #expect(try await connection.waitForClose(timeout: .milliseconds(150)) == false)
            }
            try await TestHTTPConnection.with(port: server.port) { connection in
                try await connection.send(wsman("<x/>"))
                #expect(try await connection.readResponse()?.status == 200)
                #expect(try await connection.waitForClose(timeout: .seconds(3)))
            }
        }
    }

    @Test("concurrent operations per user are capped with a QuotaLimit fault; other users are unaffected")
    func concurrencyCap() async throws {
        let endpoint = BlockingEndpoint()
        try await InProcessServer.withServer(endpoint: endpoint, configure: {
            $0.limits.maxConcurrentOperationsPerUser = 2
            $0.users.append(ServerUser(name: "other", password: "pw"))
        }) { server in
            try await withThrowingTaskGroup(of: Int?.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        try await TestHTTPConnection.with(port: server.port) { connection in
                            try await connection.send(wsman("<hold/>"))
                            return try await connection.readResponse()?.status
                        }
                    }
                }
                await endpoint.waitForArrivals(2)
                try await TestHTTPConnection.with(port: server.port) { connection in
                    try await connection.send(wsman("<third/>"))
                    let response = try #require(try await connection.readResponse())
                    #expect(response.status == 500)
                    #expect(response.text.contains("w:QuotaLimit"))
                    #expect(response.text.contains("Code=\"2150859174\""))
                }
                group.addTask {
                    try await TestHTTPConnection.with(port: server.port) { connection in
                        let auth = ("Authorization", TestHTTPConnection.basicAuthorization("other", "pw"))
                        try await connection.send(wsman("<other/>", headers: [auth, soapType]))
                        return try await connection.readResponse()?.status
                    }
                }
                await endpoint.waitForArrivals(1)
                await endpoint.release.open()
                var statuses: [Int?] = []
                for try await status in group { statuses.append(status) }
                #expect(statuses == [200, 200, 200])
            }
            // Slots were given back.
            try await TestHTTPConnection.with(port: server.port) { connection in
                try await connection.send(wsman("<after/>"))
                #expect(try await connection.readResponse()?.status == 200)
            }
        }
    }

    @Test("graceful shutdown finishes the in-flight request and closes idle connections")
    func gracefulShutdown() async throws {
        let endpoint = BlockingEndpoint()
        try await InProcessServer.withServer(endpoint: endpoint, configure: {
            $0.limits.shutdownGracePeriod = .seconds(20)
        }) { server in
            try await TestHTTPConnection.with(port: server.port) { idle in
                try await TestHTTPConnection.with(port: server.port) { busy in
                    try await busy.send(wsman("<in-flight/>"))
                    await endpoint.waitForArrivals(1)
                    await server.triggerGracefulShutdown()
                    #expect(try await idle.waitForClose(timeout: .seconds(5)))
                    await endpoint.release.open()
                    let response = try #require(try await busy.readResponse())
                    #expect(response.status == 200)
                    #expect(response.text == "done")
                    #expect(response.header("Connection") == "close")
                    #expect(try await busy.waitForClose(timeout: .seconds(5)))
                }
            }
            await #expect(throws: (any Error).self) {
                try await TestHTTPConnection.with(port: server.port) { _ in }
            }
        }
    }
}
