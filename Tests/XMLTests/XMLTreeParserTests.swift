import Testing
import XML

@Suite struct XMLTreeParserTests {
    let parser = XMLTreeParser()

    @Test func resolvesNamespacesWhateverThePrefix() throws {
        let document = """
            <e:Envelope xmlns:e="urn:env" xmlns:q="urn:q"><e:Body><q:Item q:flag="1" plain="2">\
            <x:Inner xmlns:x="urn:q">hi &amp; bye</x:Inner><![CDATA[<raw>]]></q:Item></e:Body></e:Envelope>
            """
        let root = try parser.parse(document)
        #expect(root.is("urn:env", "Envelope"))
        let item = try #require(root.child("urn:env", "Body")?.child("urn:q", "Item"))
        #expect(item.attribute("flag", namespaceURI: "urn:q") == "1")
        #expect(item.attribute("plain") == "2")
        #expect(item.attribute("flag") == nil)
        #expect(item.child("urn:q", "Inner")?.text == "hi & bye")
        #expect(item.text == "<raw>")
    }

    @Test func namespaceDeclarationsAreNotAttributes() throws {
        let root = try parser.parse(#"<a xmlns="urn:d" xmlns:p="urn:p" p:x="1"/>"#)
        #expect(root.namespaceURI == "urn:d")
        #expect(root.attributes == [XMLAttribute(namespaceURI: "urn:p", localName: "x", value: "1")])
    }

    @Test func acceptsXMLDeclarationAndUTF8BOM() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("<?xml version=\"1.0\" encoding=\"utf-8\"?><r>é</r>".utf8)
        #expect(try parser.parse(bytes).text == "é")
    }

    @Test func ignoresDeclaredForeignEncodingAndReadsUTF8() throws {
        let root = try parser.parse("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r>é</r>")
        #expect(root.text == "é")
    }

    @Test(arguments: [
        "<a><b></a>",
        "<a>",
        "",
        "just text",
        "<a></a><b/>",
        "<a x='1' x='2'/>",
        "<a>&undefined;</a>",
    ])
    func malformedDocumentsAreRefused(_ document: String) {
        #expect(throws: XMLError.self) { try parser.parse(document) }
    }

    @Test func malformedErrorsCarryLineAndColumn() {
        do {
            _ = try parser.parse("<a>\n  <b>\n</a>")
            Issue.record("expected an error")
        } catch {
            #expect(error.isSameKind(as: .malformed("", line: 0, column: 0)))
            #expect(error.line == 3)
            #expect(error.column > 0)
            #expect(error.description.contains("line 3"))
        }
    }

    @Test func unboundPrefixIsANamespaceError() {
        do {
            _ = try parser.parse("<a xmlns:s=\"urn:s\"><s:b/><w:c/></a>")
            Issue.record("expected an error")
        } catch {
            #expect(error.isSameKind(as: .namespace("", line: 0, column: 0)))
        }
    }
}
