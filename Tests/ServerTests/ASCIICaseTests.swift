import Testing

@testable import Server

@Suite("ASCII case folding of field names and paths")
struct ASCIICaseTests {
    @Test("letters fold, every other byte must be equal", arguments: [
        ("Content-Type", "content-type", true), ("WSMANIDENTIFY", "WsManIdentify", true), ("/WSMAN", "/wsman", true),
        ("/wsman", "/wsman/", false), ("a[", "A{", false), ("@", "`", false), ("x-é", "X-é", true), ("é", "É", false),
        ("", "", true),
    ])
    func folding(a: String, b: String, equal: Bool) {
        #expect(a.equalsIgnoringASCIICase(b) == equal)
        #expect(b.equalsIgnoringASCIICase(a) == equal)
        #expect(a[...].equalsIgnoringASCIICase(b) == equal)
    }
}
