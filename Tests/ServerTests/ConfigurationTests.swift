import Testing

@testable import Server

@Suite("Configuration values")
struct ConfigurationTests {
    @Test("listen addresses", arguments: [
        ("127.0.0.1:5985", "127.0.0.1", 5985), ("0.0.0.0:0", "0.0.0.0", 0), ("[::1]:5986", "::1", 5986),
        ("localhost:80", "localhost", 80),
    ] as [(String, String, Int)])
    func listen(text: String, host: String, port: Int) throws {
        let address = try ListenAddress(parsing: text)
        #expect(address == ListenAddress(host: host, port: port))
        #expect(address.description == text)
    }

    @Test("bad listen addresses", arguments: [
        "", "5985", ":5985", "host:", "host:99999", "host:x", "::1:5985", "[::1]5985", "[::1",
    ])
    func badListen(text: String) {
        #expect(throws: ServerError.invalidAddress(text)) { try ListenAddress(parsing: text) }
    }

    @Test("--user values")
    func users() throws {
        #expect(try ServerUser(parsing: "labuser:LabPass1!") == .labDefault)
        #expect(try ServerUser(parsing: "ops:a:b:c") == ServerUser(name: "ops", password: "a:b:c"))
        #expect(try ServerUser(parsing: "ops:") == ServerUser(name: "ops", password: ""))
        #expect(throws: ServerError.invalidUser("")) { try ServerUser(parsing: "ops") }
        #expect(throws: ServerError.invalidUser("")) { try ServerUser(parsing: ":pw") }
        #expect(throws: ServerError.invalidUser("")) { try ServerUser(parsing: "LAB\\ops:pw") }
    }

    @Test("limit defaults are the documented ones")
    func limits() {
        let limits = ServerLimits()
        #expect(limits.maxEnvelopeSize == 512_000)
        #expect(limits.maxConcurrentOperationsPerUser == 1500)
        #expect(limits.idleTimeout == .seconds(120))
        #expect(limits.requestReadTimeout == .seconds(30))
    }

    @Test("streaming routes must not cover /wsman", arguments: ["/wsman", "/WSMAN/x", "/", "relative", "/wsman/"])
    func badRoutes(prefix: String) {
        #expect(throws: ServerError.invalidRoute(prefix)) {
            try StreamingRoute(pathPrefix: prefix, endpoint: IgnoringStreamEndpoint())
        }
    }

    @Test("streaming route matching")
    func routeMatching() throws {
        let route = try StreamingRoute(pathPrefix: "/wmilab/replication/", endpoint: IgnoringStreamEndpoint())
        #expect(route.pathPrefix == "/wmilab/replication")
        #expect(route.matches("/wmilab/replication"))
        #expect(route.matches("/wmilab/replication/vm/1"))
        #expect(!route.matches("/wmilab/replicationx"))
        #expect(!route.matches("/wsman"))
    }

    @Test("accepted content types", arguments: [
        ("application/soap+xml;charset=UTF-8", true), ("application/soap+xml; charset=utf-8", true),
        ("Application/SOAP+XML", true),
        ("multipart/encrypted;protocol=\"application/HTTP-SPNEGO-session-encrypted\";boundary=\"Encrypted Boundary\"",
         true),
        ("text/xml", false), ("application/xml", false), ("", false),
    ] as [(String, Bool)])
    func contentTypes(value: String, accepted: Bool) {
        #expect(HTTPConnectionStateMachine.isAcceptedContentType(value) == accepted)
    }

    @Test("an HTTPS listener without certificate is a configuration error")
    func httpsWithoutCertificate() {
        let configuration = ServerConfiguration(httpsListen: ListenAddress(host: "127.0.0.1", port: 0))
        #expect(throws: ServerError.missingTLSCertificate) {
            try WSManHTTPServer(configuration: configuration, endpoint: EchoEndpoint(), logger: .init(label: "t"))
        }
    }

    @Test("unreadable TLS material is a configuration error")
    func badTLSFiles() {
        let configuration = ServerConfiguration(
            httpsListen: ListenAddress(host: "127.0.0.1", port: 0),
            tls: ServerTLSConfiguration(certificatePath: "does-not-exist.pem", privateKeyPath: "nope.pem")
        )
        #expect(throws: ServerError.invalidTLSMaterial("")) {
            try WSManHTTPServer(configuration: configuration, endpoint: EchoEndpoint(), logger: .init(label: "t"))
        }
    }

    @Test("the default transport fault rendering carries subcode, code and detail")
    func transportFault() {
        let response = WSManTransportFault.encodingLimit(maxEnvelopeSize: 512_000).defaultResponse()
        let text = String(decoding: response.body, as: UTF8.self)
        #expect(response.status == 500)
        #expect(response.contentType == "application/soap+xml;charset=UTF-8")
        #expect(text.contains("<s:Value>w:EncodingLimit</s:Value>"))
        #expect(text.contains("Code=\"2150858805\""))
        #expect(text.contains("faultDetail/MaxEnvelopeSize"))
        let quota = String(decoding: WSManTransportFault.quotaLimit(maxConcurrentOperations: 3).defaultResponse().body,
                           as: UTF8.self)
        #expect(quota.contains("<s:Value>w:QuotaLimit</s:Value>"))
        #expect(quota.contains("maximum number of 3 concurrent"))
    }
}
