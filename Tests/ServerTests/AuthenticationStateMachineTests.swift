import Foundation
import NTLM
import Testing

@testable import Server

@Suite("Authentication state machine")
struct AuthenticationStateMachineTests {
    private let users = [ServerUser.labDefault, ServerUser(name: "Operator", password: "p:ss wörd")]

    private static func basic(_ account: String, _ password: String) -> String {
        "Basic " + Data("\(account):\(password)".utf8).base64EncodedString()
    }

    @Test(
        "accepted account spellings",
        arguments: [
            ("labuser", "LabPass1!", "labuser", nil),
            (".\\labuser", "LabPass1!", "labuser", "."),
            ("LAB\\labuser", "LabPass1!", "labuser", "LAB"),
            ("LabUser", "LabPass1!", "labuser", nil),
            ("lab.local\\LABUSER", "LabPass1!", "labuser", "lab.local"),
            ("labuser@LAB", "LabPass1!", "labuser", "LAB"),
            ("operator", "p:ss wörd", "Operator", nil),
        ] as [(String, String, String, String?)]
    )
    func accepts(account: String, password: String, name: String, domain: String?) {
        var machine = AuthenticationStateMachine(users: users)
        let action = machine.requestReceived(
            authorization: Self.basic(account, password), unauthenticatedIdentify: false
        )
        #expect(action == .proceed(AuthenticatedUser(name: name, domain: domain, scheme: .basic)))
    }

    @Test(
        "refused credentials get both offers",
        arguments: [
            basic("labuser", "labpass1!"),
            basic("labuser", "LabPass1"),
            basic("labuser", "LabPass1!!"),
            basic("nobody", "LabPass1!"),
            basic("LAB\\", "LabPass1!"),
            basic("", ""),
            "Basic",
            "Basic ",
            "Basic !!!!",
            "Basic bGFidXNlcg==",  // no colon
            "Basic bGFidXNlcjpMYWJQYXNzMSE",  // unpadded
            "Basic bGFidXNlcjpMYWJQ=YXNzMSE=",
            "Bearer abc",
            "",
        ]
    )
    func refuses(authorization: String) {
        var machine = AuthenticationStateMachine(users: users)
        let action = machine.requestReceived(authorization: authorization, unauthenticatedIdentify: false)
        #expect(action == .challenge(["Negotiate", "Basic realm=\"WSMAN\""]))
    }

    @Test("no credentials: challenge, unless it is the unauthenticated Identify probe")
    func anonymous() {
        var machine = AuthenticationStateMachine(users: users)
        #expect(machine.requestReceived(authorization: nil, unauthenticatedIdentify: false)
            == .challenge(["Negotiate", "Basic realm=\"WSMAN\""]))
        #expect(machine.requestReceived(authorization: nil, unauthenticatedIdentify: true) == .proceed(nil))
    }

    @Test("wrong credentials are refused even on the Identify probe")
    func identifyWithBadCredentials() {
        var machine = AuthenticationStateMachine(users: users)
        let action = machine.requestReceived(authorization: Self.basic("labuser", "x"), unauthenticatedIdentify: true)
        #expect(action == .challenge(["Negotiate", "Basic realm=\"WSMAN\""]))
    }

    @Test("a Negotiate or NTLM attempt is answered with the Basic offer", arguments: [
        "Negotiate TlRMTVNTUAABAAAAt4II4gAAAAAAAAAAAAAAAAAAAAAKAGNFAAAADw==",
        "NTLM TlRMTVNTUAABAAAAt4II4gAAAAAAAAAAAAAAAAAAAAAKAGNFAAAADw==",
        "negotiate",
    ])
    func negotiate(authorization: String) {
        var machine = AuthenticationStateMachine(users: users)
        #expect(machine.requestReceived(authorization: authorization, unauthenticatedIdentify: false)
            == .challenge(["Basic realm=\"WSMAN\""]))
        #expect(machine.state == .idle)
    }

    @Test("Basic is checked on every request: no identity sticks to the connection")
    func perRequest() {
        var machine = AuthenticationStateMachine(users: users)
        _ = machine.requestReceived(authorization: Self.basic("labuser", "LabPass1!"), unauthenticatedIdentify: false)
        #expect(machine.state == .idle)
        #expect(machine.requestReceived(authorization: nil, unauthenticatedIdentify: false)
            == .challenge(["Negotiate", "Basic realm=\"WSMAN\""]))
    }

    @Test("a repeated Basic header gets the same answer; a different one is checked afresh")
    func repeatedHeader() {
        var machine = AuthenticationStateMachine(users: users)
        let good = Self.basic("LAB\\labuser", "LabPass1!")
        let labuser = AuthenticatedUser(name: "labuser", domain: "LAB", scheme: .basic)
        #expect(machine.requestReceived(authorization: good, unauthenticatedIdentify: false) == .proceed(labuser))
        #expect(machine.requestReceived(authorization: good, unauthenticatedIdentify: false) == .proceed(labuser))
        #expect(machine.requestReceived(authorization: Self.basic("labuser", "wrong"), unauthenticatedIdentify: false)
            == .challenge(["Negotiate", "Basic realm=\"WSMAN\""]))
        #expect(machine.requestReceived(authorization: nil, unauthenticatedIdentify: false)
            == .challenge(["Negotiate", "Basic realm=\"WSMAN\""]))
        let other = Self.basic("operator", "p:ss wörd")
        #expect(machine.requestReceived(authorization: other, unauthenticatedIdentify: false)
            == .proceed(AuthenticatedUser(name: "Operator", domain: nil, scheme: .basic)))
        #expect(machine.requestReceived(authorization: good, unauthenticatedIdentify: false) == .proceed(labuser))
        #expect(machine.state == .idle)
    }

    @Test("base64 decoding", arguments: [
        ("", [UInt8]()), ("QQ==", [65]), ("QUI=", [65, 66]), ("QUJD", [65, 66, 67]), ("+/+/", [251, 255, 191]),
    ] as [(String, [UInt8])])
    func base64(text: String, bytes: [UInt8]) {
        #expect(Base64.decode(text[...]) == bytes)
    }

    @Test("invalid base64 is rejected", arguments: ["Q", "QQ=", "Q===", "QQ==QQ==", "QU-D", "QU\nD", "=QUI"])
    func invalidBase64(text: String) {
        #expect(Base64.decode(text[...]) == nil)
    }

    // MARK: - Negotiate

    private var negotiate: NTLMAcceptor.Configuration {
        NTLMAcceptor.Configuration(
            users: users.map { NTLMUser(name: $0.name, password: $0.password) }, computerName: "WMILAB",
            domainName: "WMILAB")
    }

    @Test("with NTLM configured, Negotiate on a body-reading route waits for the body", arguments: [
        "Negotiate TlRMTVNTUAABAAAAt4II4gAAAAAAAAAAAAAAAAAAAAAKAGNFAAAADw==",
        "NTLM TlRMTVNTUAABAAAAt4II4gAAAAAAAAAAAAAAAAAAAAAKAGNFAAAADw==",
        "negotiate",
    ])
    func negotiateDeferred(authorization: String) {
        var machine = AuthenticationStateMachine(users: users, negotiate: negotiate)
        let action = machine.requestReceived(
            authorization: authorization, unauthenticatedIdentify: false, bodyFollows: true)
        #expect(action == .negotiate)
        // A streaming route cannot wait for its body: Basic is all it is offered.
        #expect(machine.requestReceived(authorization: authorization, unauthenticatedIdentify: false)
            == .challenge(["Basic realm=\"WSMAN\""]))
        #expect(machine.state == .idle)
    }

    @Test("a completed handshake binds the connection; a sealed response carries the final token")
    func negotiateHandshake() throws {
        var machine = AuthenticationStateMachine(users: users, negotiate: negotiate)
        var client = NTLMInitiator(user: "OPERATOR", domain: "CORP", password: "p:ss wörd", mode: .spnego)
        let first = "Negotiate " + Data(client.negotiate()).base64EncodedString()
        guard case .challenge(let values, nil) = machine.negotiateBodyReceived(
            authorization: first, contentType: nil, body: [])
        else { Issue.record("no challenge"); return }
        let challenge = try #require(values.first.flatMap { Data(base64Encoded: String($0.dropFirst(10))) })
        let second = "Negotiate " + Data(try client.respond(to: Array(challenge))).base64EncodedString()
        let decision = machine.negotiateBodyReceived(authorization: second, contentType: nil, body: [])
        let operatorUser = AuthenticatedUser(name: "Operator", domain: "CORP", scheme: .negotiate)
        #expect(decision == .serve(operatorUser, body: [], contentType: nil))
        #expect(machine.state == .authenticated(operatorUser))

        let setup = try machine.negotiatedResponse(WSManHTTPResponse(status: 200))
        let final = try #require(setup.headers.first(named: "WWW-Authenticate"))
        var session = try client.complete(
            finalToken: Data(base64Encoded: String(final.dropFirst(10))).map { Array($0) })

        // Later requests without a header are the user's, decided with their body.
        #expect(machine.requestReceived(authorization: nil, unauthenticatedIdentify: false, bodyFollows: true)
            == .negotiate)
        #expect(machine.requestReceived(authorization: nil, unauthenticatedIdentify: false) == .proceed(operatorUser))
        let (body, contentType) = try EncryptedMessage.encode(Array("<in/>".utf8), session: &session)
        #expect(machine.negotiateBodyReceived(authorization: nil, contentType: contentType, body: body)
            == .serve(operatorUser, body: Array("<in/>".utf8), contentType: "application/soap+xml;charset=UTF-8"))
        let sealed = try machine.negotiatedResponse(.soap(Array("<out/>".utf8)))
        #expect(sealed.contentType == EncryptedMessage.contentType)
        #expect(sealed.headers.isEmpty)
        let decoded = try EncryptedMessage.decode(
            body: sealed.body, contentType: sealed.contentType ?? "", session: &session)
        #expect(decoded.plaintext == Array("<out/>".utf8))
        // Only the response to a request served through Negotiate is touched.
        let plain = WSManHTTPResponse.soap(Array("<other/>".utf8))
        #expect(try machine.negotiatedResponse(plain) == plain)
    }

    @Test("a failed logon leaves the connection unauthenticated")
    func negotiateRejected() throws {
        var machine = AuthenticationStateMachine(users: users, negotiate: negotiate)
        var client = NTLMInitiator(user: "labuser", domain: "", password: "nope", mode: .raw)
        let first = "NTLM " + Data(client.negotiate()).base64EncodedString()
        guard case .challenge(let values, nil) = machine.negotiateBodyReceived(
            authorization: first, contentType: nil, body: [])
        else { Issue.record("no challenge"); return }
        #expect(values.count == 1 && values[0].hasPrefix("NTLM "))
        let challenge = try #require(Data(base64Encoded: String(values[0].dropFirst(5))))
        let second = "NTLM " + Data(try client.respond(to: Array(challenge))).base64EncodedString()
        guard case .challenge(let offer, let reason?) = machine.negotiateBodyReceived(
            authorization: second, contentType: nil, body: [])
        else { Issue.record("not refused"); return }
        #expect(offer == ["Negotiate", "Basic realm=\"WSMAN\""])
        #expect(reason == .logonFailure)
        #expect(machine.state == .idle)
        #expect(machine.requestReceived(authorization: nil, unauthenticatedIdentify: false, bodyFollows: true)
            == .challenge(["Negotiate", "Basic realm=\"WSMAN\""]))
    }
}
