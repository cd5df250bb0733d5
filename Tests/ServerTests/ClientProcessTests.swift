import Testing
import WMILabTesting

@Suite("Real clients against the server")
struct ClientProcessTests {
    @Test("curl with pre-emptive Basic and a DOMAIN\\user name gets the endpoint's answer",
          .enabled(if: ClientProcess.isAvailable("curl")))
    func curlBasic() async throws {
        try await InProcessServer.withServer(endpoint: EchoEndpoint()) { server in
            let result = try await ClientProcess.run("curl", arguments: [
                "-sS", "--user", "LAB\\labuser:LabPass1!", "-H", "Content-Type: application/soap+xml;charset=utf-8",
                "--data-binary", "<curl/>", server.url,
            ], timeout: .seconds(30))
            #expect(result.exitCode == 0, "\(result.stderr)")
            #expect(result.stdout == "user=labuser|LAB;path=/wsman;<curl/>")
        }
    }

    @Test("python requests sees the 401 challenge headers", .enabled(if: ClientProcess.pythonHasModule("requests")))
    func pythonChallenge() async throws {
        try await InProcessServer.withServer(endpoint: EchoEndpoint()) { server in
            let script = """
                import sys, requests
                r = requests.post(sys.argv[1], data=b"<x/>", headers={"Content-Type": "application/soap+xml"})
                print(r.status_code, r.headers.get("WWW-Authenticate"), len(r.content))
                """
            let result = try await ClientProcess.python(script, arguments: [server.url], timeout: .seconds(30))
            #expect(result.exitCode == 0, "\(result.stderr)")
            #expect(result.stdout == "401 Negotiate, Basic realm=\"WSMAN\" 0\n")
        }
    }
}
