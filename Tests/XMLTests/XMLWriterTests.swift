import Testing
import XML

@Suite struct XMLWriterTests {
    @Test func escapesTextAndAttributes() {
        var writer = XMLWriter()
        writer.open("p:A", ["xmlns:p": "urn:p", "v": "a\"b<&>\n"])
        writer.text("1 < 2 & \"q\" > 0\r\n")
        writer.empty("p:B")
        writer.element("p:C", text: "\u{7}bell")
        writer.close("p:A")
        let output = String(decoding: writer.bytes, as: UTF8.self)
        #expect(output == """
            <p:A xmlns:p="urn:p" v="a&quot;b&lt;&amp;&gt;&#xA;">1 &lt; 2 &amp; "q" &gt; 0&#xD;
            <p:B/><p:C>\u{FFFD}bell</p:C></p:A>
            """)
    }

    @Test func prefixedNamesMatchQualifiedOnes() {
        var qualified = XMLWriter()
        qualified.open("p:Outer")
        qualified.element("cim:Datetime", text: "a<b")
        qualified.close("p:Outer")
        var prefixed = XMLWriter()
        prefixed.open(prefix: "p", "Outer")
        prefixed.element(prefix: "cim", "Datetime", text: "a<b")
        prefixed.close(prefix: "p", "Outer")
        #expect(prefixed.bytes == qualified.bytes)
        let text = String(decoding: prefixed.bytes, as: UTF8.self)
        #expect(text == "<p:Outer><cim:Datetime>a&lt;b</cim:Datetime></p:Outer>")
    }

    @Test(arguments: ["plain", "<&>\"'", "multi\nline\r\nand\ttab", "ünïcödé ✓ 𝄞", "", "]]>"])
    func writtenTextParsesBackUnchanged(_ value: String) throws {
        var writer = XMLWriter()
        writer.element("r", ["a": value], text: value)
        let root = try XMLTreeParser().parse(writer.bytes)
        #expect(root.text == value)
        #expect(root.attribute("a") == value)
    }
}
