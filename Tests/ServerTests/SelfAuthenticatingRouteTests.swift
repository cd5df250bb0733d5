import Server
import Testing
import WMILabTesting

@Suite("Streaming routes that authenticate their callers themselves")
struct SelfAuthenticatingRouteTests {
    @Test("the route is served without Basic and sees no user; /wsman and other routes still need Basic")
    func skipsBasicForThatRouteOnly() async throws {
        let own = try StreamingRoute(
            pathPrefix: "/wmilab/replication", endpoint: DigestingStreamEndpoint(), authenticatesItself: true
        )
        let other = try StreamingRoute(pathPrefix: "/other", endpoint: DigestingStreamEndpoint())
        #expect(own.authenticatesItself)
        #expect(!other.authenticatesItself)
        try await InProcessServer.withServer(endpoint: EchoEndpoint(), streamingRoutes: [own, other]) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                try await connection.send(TestHTTPConnection.request(
                    path: "/wmilab/replication/v1/x", body: Array("data".utf8)))
                let served = try #require(try await connection.readResponse())
                #expect(served.status == 200)
                #expect(served.text.hasPrefix("bytes=4;"))
                #expect(served.text.hasSuffix("user=-"))

                try await connection.send(TestHTTPConnection.request(path: "/other/x", body: Array("data".utf8)))
                #expect(try await connection.readResponse()?.status == 401)
                try await connection.send(TestHTTPConnection.request(
                    headers: [("Content-Type", "application/soap+xml")], body: Array("<x/>".utf8)))
                #expect(try await connection.readResponse()?.status == 401)
            }
        }
    }

    @Test("over plain HTTP no client certificate is reported")
    func noCertificateOverHTTP() async throws {
        let route = try StreamingRoute(
            pathPrefix: "/cert", endpoint: CertificateReportingEndpoint(), authenticatesItself: true
        )
        try await InProcessServer.withServer(endpoint: EchoEndpoint(), streamingRoutes: [route]) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                try await connection.send(TestHTTPConnection.request(path: "/cert"))
                #expect(try await connection.readResponse()?.text == "certificate=none")
            }
        }
    }
}

/// Answers whether the request carried a client certificate.
struct CertificateReportingEndpoint: StreamingEndpoint {
    func respond(to info: HTTPRequestInfo, body: HTTPRequestBody) async -> WSManHTTPResponse {
        let text = info.clientCertificate.map { "certificate=\($0.count) bytes" } ?? "certificate=none"
        return WSManHTTPResponse(status: 200, contentType: "text/plain", body: Array(text.utf8))
    }
}
