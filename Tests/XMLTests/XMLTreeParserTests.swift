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

@Suite("Parser contexts reused between parses")
struct ParserContextReuseTests {
    @Test("a parse after refused and malformed documents sees nothing of them")
    func cleanAfterFailures() throws {
        let parser = XMLTreeParser()
        let hostile = [
            "<!DOCTYPE r [<!ENTITY e \"x\">]><r>&e;</r>",
            "<r><unclosed></r>",
            "<p:r xmlns:q=\"urn:q\"/>",
            "<r a=\"1\" a=\"2\"/>",
        ]
        for _ in 0..<3 {
            for text in hostile { #expect(throws: XMLError.self) { try parser.parse(text) } }
            let root = try parser.parse("<r xmlns=\"urn:ok\"><c a=\"&amp;&#38;\">t&lt;</c></r>")
            #expect(root.namespaceURI == "urn:ok")
            #expect(root.children.first?.attributes.first?.value == "&&")
            #expect(root.children.first?.text == "t<")
        }
    }

    @Test("documents with ever-new names and parses on many threads at once stay correct")
    func manyNamesManyThreads() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    let parser = XMLTreeParser()
                    for index in 0..<3_000 {
                        let name = "n\(worker)x\(index)"
                        let root = try parser.parse("<\(name) xmlns=\"urn:\(name)\"><v>\(index)</v></\(name)>")
                        #expect(root.localName == name)
                        #expect(root.namespaceURI == "urn:\(name)")
                        #expect(root.children.first?.text == "\(index)")
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
