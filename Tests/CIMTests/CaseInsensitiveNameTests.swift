import Testing

@testable import CIM

@Suite("Case-insensitive names")
struct CaseInsensitiveNameTests {
    @Test(
        "equalsLowercased agrees with comparing lowercased()",
        arguments: [
            ("Name", "name"), ("SystemName", "SYSTEMNAME"), ("Name", "Names"), ("", ""), ("", "a"),
            ("@", "`"), ("[", "{"), ("]", "}"), ("^", "~"), ("Z", "z"), ("a_b", "A_B"), ("a1", "A1"),
            ("Straße", "STRASSE"), ("Größe", "GRÖSSE"), ("größe", "GRÖßE"), ("\u{212A}ey", "key"),
            ("K", "\u{212A}"), ("İd", "id"), ("é", "É"), ("e\u{301}", "é"),
        ] as [(String, String)]
    )
    func agreesWithLowercased(a: String, b: String) {
        #expect(a.equalsLowercased(b) == (a.lowercased() == b.lowercased()))
        #expect(b.equalsLowercased(a) == (a.lowercased() == b.lowercased()))
    }

    @Test("a class keeps its key properties in property order, also after its properties change")
    func keyProperties() {
        let key = CIMQualifier(name: "Key", value: .boolean(true))
        var cls = CIMClass(name: "Lab_Thing", properties: [
            CIMProperty(name: "Name", dataType: CIMDataType(.string), qualifiers: [key]),
            CIMProperty(name: "Size", dataType: CIMDataType(.uint64)),
            CIMProperty(name: "Host", dataType: CIMDataType(.string), qualifiers: [key]),
        ])
        #expect(cls.keyPropertyNames == ["Name", "Host"])
        #expect(cls.keyProperties.map(\.name) == ["Name", "Host"])
        cls.properties[1].qualifiers.set(key)
        cls.properties[0].qualifiers.remove("key")
        #expect(cls.keyPropertyNames == ["Size", "Host"])
        #expect(cls.propertyIndex(named: "HOST") == 2)
        #expect(cls.propertyIndex(named: "Colour") == nil)
    }
}
