import Testing

@testable import NTLM

@Suite struct NegotiateAuthorizationTests {
    @Test func parsesBothSchemes() throws {
        let negotiate = try #require(try NegotiateAuthorization(authorization: "Negotiate TlRMTVNTUAABAAAA"))
        #expect(negotiate.scheme == .negotiate)
        #expect(negotiate.token == NTLMMessage.signature + [1, 0, 0, 0])
        let ntlm = try #require(try NegotiateAuthorization(authorization: "  ntlm   TlRMTVNTUAABAAAA "))
        #expect(ntlm.scheme == .ntlm)
        #expect(ntlm.token == negotiate.token)
    }

    @Test func otherSchemesAreNotOurs() throws {
        #expect(try NegotiateAuthorization(authorization: "Basic bGFidXNlcjpMYWJQYXNzMSE=") == nil)
        #expect(try NegotiateAuthorization(authorization: "") == nil)
        #expect(try NegotiateAuthorization(authorization: "Kerberos abc=") == nil)
    }

    @Test(arguments: ["Negotiate", "Negotiate ", "NTLM !!!notbase64", "Negotiate ===="])
    func badTokens(value: String) {
        #expect(throws: NTLMError.malformedToken) { try NegotiateAuthorization(authorization: value) }
    }

    @Test func wwwAuthenticateValues() {
        #expect(NegotiateAuthorization.wwwAuthenticate() == "Negotiate")
        #expect(NegotiateAuthorization.wwwAuthenticate(scheme: .ntlm, token: []) == "NTLM")
        #expect(
            NegotiateAuthorization.wwwAuthenticate(token: NTLMMessage.signature + [1, 0, 0, 0])
                == "Negotiate TlRMTVNTUAABAAAA")
    }

    @Test func capturedFinalTokenRoundTrips() throws {
        let value = try WireFixtures.header(
            "WWW-Authenticate", in: "auth/pypsrp-negotiate-enc-step3-empty.response.headers")
        let header = try #require(value)
        let parsed = try #require(try NegotiateAuthorization(authorization: header))
        #expect(NegotiateAuthorization.wwwAuthenticate(token: parsed.token) == value)
    }
}
