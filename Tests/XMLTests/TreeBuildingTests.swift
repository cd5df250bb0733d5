import Testing
import XML

/// What the tree looks like for the constructs a streaming (SAX) build could get wrong: references, CDATA, mixed
/// content, namespace scoping, line numbers, limits, and parses repeated on pooled parser contexts.
@Suite struct TreeBuildingTests {
    let parser = XMLTreeParser()

    static let xmlNamespace = "http://www.w3.org/XML/1998/namespace"

    @Test(arguments: [
        ("&lt;&gt;&amp;&quot;&apos;&#38;&#x26;", "<>&\"'&&"),
        ("caf\u{E9} &#233;&#xE9; &#x1D11E;\u{1D11E} \u{2713}", "caf\u{E9} \u{E9}\u{E9} \u{1D11E}\u{1D11E} \u{2713}"),
        ("&amp;#60; &amp;amp; &#38;#38;", "&#60; &amp; &#38;"),
        ("a&#10;b&#13;c&#9;d", "a\nb\rc\td"),
        ("&#x3C;tag&#x3E;", "<tag>"),
        ("&#38;&#38;&#38;", "&&&"),
        ("", ""),
    ])
    func referencesAreDecodedInTextAndAttributes(_ escaped: String, _ decoded: String) throws {
        let root = try parser.parse("<r a=\"\(escaped)\" b='\(escaped)'>\(escaped)</r>")
        #expect(root.text == decoded)
        #expect(root.attribute("a") == decoded)
        #expect(root.attribute("b") == decoded)
    }

    @Test func attributeWhitespaceIsNormalisedButCharacterReferencesAreKept() throws {
        let root = try parser.parse("<r a=\"x\ny\tz\r\nw\" b=\"x&#10;y&#9;z\">\nkeep\ttabs\n</r>")
        #expect(root.attribute("a") == "x y z w")
        #expect(root.attribute("b") == "x\ny\tz")
        #expect(root.text == "\nkeep\ttabs\n")
    }

    @Test func cdataIsTextVerbatim() throws {
        let root = try parser.parse("<r>a<![CDATA[<b>&amp;</b>]]>c<![CDATA[]]><![CDATA[x]]]]><![CDATA[>]]></r>")
        #expect(root.text == "a<b>&amp;</b>cx]]>")
        #expect(root.children.isEmpty)
    }

    @Test func mixedContentConcatenatesTheTextAroundChildren() throws {
        let root = try parser.parse("<r>one<c/>two<d>in<e/>side</d>three<!-- no -->four<?pi no?>five</r>")
        #expect(root.text == "onetwothreefourfive")
        #expect(root.children.map(\.localName) == ["c", "d"])
        #expect(root.children[0].text == "")
        #expect(root.children[1].text == "inside")
        #expect(root.children[1].children.map(\.localName) == ["e"])
    }

    @Test func whitespaceBetweenChildrenIsKept() throws {
        let root = try parser.parse("<r>\n  <c> </c>\n  <d/>\n</r>")
        #expect(root.text == "\n  \n  \n")
        #expect(root.children[0].text == " ")
    }

    @Test func innerDeclarationsAndRedeclaredPrefixes() throws {
        let root = try parser.parse("""
            <p:a xmlns:p="urn:1"><p:b xmlns:p="urn:2" p:x="v"><p:c xmlns:q="urn:q" q:y="w"/></p:b>\
            <p:d p:z="1"/><q:e xmlns:q="urn:1"/></p:a>
            """)
        #expect(root.is("urn:1", "a"))
        let b = try #require(root.child("urn:2", "b"))
        #expect(b.attributes == [XMLAttribute(namespaceURI: "urn:2", localName: "x", value: "v")])
        let c = try #require(b.child("urn:2", "c"))
        #expect(c.attribute("y", namespaceURI: "urn:q") == "w")
        #expect(root.child("urn:1", "d")?.attribute("z", namespaceURI: "urn:1") == "1")
        #expect(root.child("urn:1", "e") != nil)
        #expect(root.children.map(\.namespaceURI) == ["urn:2", "urn:1", "urn:1"])
    }

    @Test func defaultNamespaceAppliesToElementsOnly() throws {
        let root = try parser.parse("""
            <a xmlns="urn:d" f="0"><b/><c xmlns=""><d g="1"/></c><e xmlns="urn:e" f="1"><h/></e><i/></a>
            """)
        #expect(root.is("urn:d", "a"))
        #expect(root.attributes == [XMLAttribute(namespaceURI: nil, localName: "f", value: "0")])
        #expect(root.children.map(\.namespaceURI) == ["urn:d", nil, "urn:e", "urn:d"])
        #expect(root.children[1].children.first?.is(nil, "d") == true)
        #expect(root.children[1].children.first?.attribute("g") == "1")
        #expect(root.children[2].children.first?.is("urn:e", "h") == true)
        #expect(root.children[2].attribute("f") == "1")
    }

    @Test func attributesKeepDocumentOrder() throws {
        let root = try parser.parse(#"<r xmlns:p="urn:p" z="1" p:a="2" m="3" xmlns:q="urn:q" q:b="4"/>"#)
        #expect(root.attributes == [
            XMLAttribute(namespaceURI: nil, localName: "z", value: "1"),
            XMLAttribute(namespaceURI: "urn:p", localName: "a", value: "2"),
            XMLAttribute(namespaceURI: nil, localName: "m", value: "3"),
            XMLAttribute(namespaceURI: "urn:q", localName: "b", value: "4"),
        ])
    }

    @Test func xmlLangIsInTheXMLNamespace() throws {
        let root = try parser.parse(#"<r xml:lang="en-US"><c xml:space="preserve" lang="x"/></r>"#)
        #expect(root.attributes == [XMLAttribute(namespaceURI: Self.xmlNamespace, localName: "lang", value: "en-US")])
        #expect(root.attribute("lang") == nil)
        let child = try #require(root.children.first)
        #expect(child.attribute("space", namespaceURI: Self.xmlNamespace) == "preserve")
        #expect(child.attribute("lang") == "x")
    }

    @Test(arguments: [
        (#"<r xml:id=" ok "><c xml:id="b"/></r>"#, nil),
        (#"<r xml:id="a"><c xml:id="a"/></r>"#, "ID a already defined"),
        (#"<r xml:id="1x"/>"#, "xml:id : attribute value 1x is not an NCName"),
        (#"<r xml:id=""/>"#, "xml:id : attribute value  is not an NCName"),
        (#"<r id="a"><c id="a"/></r>"#, nil),
    ] as [(String, String?)])
    func xmlIDValuesAreNamesAndUnique(_ document: String, _ refusal: String?) {
        do {
            let root = try parser.parse(document)
            #expect(refusal == nil, "accepted \(document)")
            #expect(root.attributes.count == 1)
        } catch {
            #expect(error.isSameKind(as: .malformed("", line: 0, column: 0)))
            #expect(error.message == refusal)
            #expect(error.line == 1)
        }
    }

    /// Bytes that are valid UTF-8 but begin like UTF-16 (`<\0?\0`) are read as UTF-16 by libxml2, to the end.
    @Test(arguments: [false, true])
    func utf16WithoutByteOrderMarkIsReadWhole(_ bigEndian: Bool) throws {
        let text = String(repeating: "text and more ", count: 40)
        let document = "<?xml version=\"1.0\"?><r a=\"1\">" + text + "<c/></r>"
        let bytes = document.utf16.flatMap { unit -> [UInt8] in
            let (high, low) = (UInt8(unit >> 8), UInt8(unit & 0xFF))
            return bigEndian ? [high, low] : [low, high]
        }
        let root = try parser.parse(bytes)
        #expect(root.text == text)
        #expect(root.children.map(\.localName) == ["c"])
        #expect(root.attribute("a") == "1")
    }

    @Test func aLongDocumentIsReadToItsEnd() throws {
        var document = "<r>"
        for index in 0..<3_000 {
            document += "<e\(index) xmlns:n=\"urn:n\(index)\" n:a=\"&amp;\(index)\">"
            document += "x&lt;\(index)<![CDATA[c]]></e\(index)>"
        }
        document += "<last>end</last></r>"
        let root = try parser.parse(document)
        #expect(root.children.count == 3_001)
        for (index, child) in root.children.dropLast().enumerated() where index % 250 == 0 || index > 2_990 {
            #expect(child.is(nil, "e\(index)"))
            #expect(child.attribute("a", namespaceURI: "urn:n\(index)") == "&\(index)")
            #expect(child.text == "x<\(index)c")
        }
        #expect(root.children.last?.text == "end")
    }

    /// libxml2 reads its input in 250-byte steps; every document length around those steps parses whole.
    @Test func everyLengthAroundTheReadStepsParsesWhole() throws {
        for padding in 0..<700 {
            let filler = String(repeating: "f", count: padding)
            let document = "<r><a k=\"\(filler)\">\(filler)</a><b>\(padding)&amp;</b><c/></r>"
            let root = try parser.parse(document)
            #expect(root.children.map(\.localName) == ["a", "b", "c"])
            #expect(root.children[0].attribute("k")?.count == padding)
            #expect(root.children[1].text == "\(padding)&")
        }
    }

    /// Of an `xml:id` error and a depth error on the same start tag, the `xml:id` one is reported, as before.
    @Test(arguments: [
        ("<a><b><c xml:id='1'/></b></a>", "xml:id : attribute value 1 is not an NCName"),
        ("<a><b><c xml:id='x'/></b></a>", "elements nested deeper than 2 levels"),
        ("<a xml:id='q'><b><c xml:id='q'/></b></a>", "ID q already defined"),
    ])
    func xmlIDIsCheckedBeforeTheDepth(_ document: String, _ message: String) {
        do {
            _ = try XMLTreeParser(limits: XMLLimits(maxDepth: 2)).parse(document)
            Issue.record("accepted \(document)")
        } catch {
            #expect(error.message == message)
        }
    }

    @Test func linesAreThoseOfTheStartTags() throws {
        let document = "<?xml version=\"1.0\"?>\n<a>\n<b>\n\n  <c\n x='1'/></b><d>t\n\n</d>\n<e/></a>"
        let root = try parser.parse(document)
        #expect(root.line == 2)
        #expect(root.children.map(\.line) == [3, 6, 9])
        #expect(root.children[0].children.first?.line == 6)
    }

    /// libxml2's tree kept at most 65535 as a node's line; the tree built from SAX events has the true line.
    @Test func linesBeyondSixtyFiveThousandAreExact() throws {
        var document = "<r>\n"
        for _ in 0..<70_000 { document += "<c/>\n" }
        document += "<last/></r>"
        let root = try parser.parse(document)
        #expect(root.children.count == 70_001)
        #expect(root.children[0].line == 2)
        #expect(root.children[65_533].line == 65_535)
        #expect(root.children[65_534].line == 65_536)
        #expect(root.children.last?.line == 70_002)
    }

    @Test func aDocumentFailingHalfWayLeavesTheNextParseClean() throws {
        let broken = "<a xmlns=\"urn:x\"><b>text &amp; more</b><c k=\"v\"><d>\n</e></c></a>"
        for _ in 0..<50 {
            do {
                _ = try parser.parse(broken)
                Issue.record("accepted a mismatched end tag")
            } catch {
                #expect(error.isSameKind(as: .malformed("", line: 0, column: 0)))
                #expect(error.line == 2)
            }
            let root = try parser.parse("<z><y>ok</y></z>")
            #expect(root == XMLElement(
                namespaceURI: nil, localName: "z",
                children: [XMLElement(namespaceURI: nil, localName: "y", text: "ok", line: 1)], line: 1
            ))
        }
    }

    @Test func unboundAttributePrefixIsANamespaceError() {
        do {
            _ = try parser.parse("<a><b u:x=\"1\"/></a>")
            Issue.record("expected an error")
        } catch {
            #expect(error.isSameKind(as: .namespace("", line: 0, column: 0)))
        }
    }

    @Test(arguments: [1, 2, 3, 17, 64, 255])
    func depthLimitIsExactlyAtTheBoundary(_ limit: Int) throws {
        let parser = XMLTreeParser(limits: XMLLimits(maxDepth: limit))
        let deepest = try parser.parse(Self.nested(depth: limit))
        var depth = 1
        var element = deepest
        while let child = element.children.first {
            depth += 1
            element = child
        }
        #expect(depth == limit)
        #expect(element.text == "leaf")
        do {
            _ = try parser.parse(Self.nested(depth: limit + 1))
            Issue.record("accepted depth \(limit + 1) with a limit of \(limit)")
        } catch {
            #expect(error.isSameKind(as: .tooDeep(limit: 0, line: 0, column: 0)))
            #expect(error.message.contains("\(limit)"))
            #expect(error.line == 1 + limit)
            #expect(error.column > 0)
        }
    }

    /// `depth` nested elements, one start tag per line (element n on line n), the innermost holding "leaf".
    static func nested(depth: Int) -> String {
        var document = ""
        for level in 1...depth { document += (level == 1 ? "" : "\n") + "<l\(level)>" }
        document += "leaf"
        for level in (1...depth).reversed() { document += "</l\(level)>" }
        return document
    }

    static let getEnvelope = """
        <s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" \
        xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" \
        xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"><s:Header>\
        <a:Action>http://schemas.xmlsoap.org/ws/2004/09/transfer/Get</a:Action>\
        <a:MessageID>uuid:0A1B2C3D-0000-0000-0000-000000000001</a:MessageID>\
        <w:ResourceURI>http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/Msvm_ReplicationService\
        </w:ResourceURI><w:SelectorSet>\
        <w:Selector Name="CreationClassName">Msvm_ReplicationService</w:Selector>\
        <w:Selector Name="Name">replicasvc</w:Selector>\
        <w:Selector Name="SystemCreationClassName">Msvm_ComputerSystem</w:Selector>\
        <w:Selector Name="SystemName">WMILAB-HV01</w:Selector></w:SelectorSet></s:Header><s:Body/></s:Envelope>
        """

    /// The tree of `getEnvelope`, written out by hand.
    static let getTree: XMLElement = {
        let soap = "http://www.w3.org/2003/05/soap-envelope"
        let addressing = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
        let wsman = "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"
        func selector(_ name: String, _ value: String) -> XMLElement {
            XMLElement(
                namespaceURI: wsman, localName: "Selector",
                attributes: [XMLAttribute(namespaceURI: nil, localName: "Name", value: name)], text: value, line: 1
            )
        }
        let header = XMLElement(namespaceURI: soap, localName: "Header", children: [
            XMLElement(namespaceURI: addressing, localName: "Action",
                       text: "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get", line: 1),
            XMLElement(namespaceURI: addressing, localName: "MessageID",
                       text: "uuid:0A1B2C3D-0000-0000-0000-000000000001", line: 1),
            XMLElement(
                namespaceURI: wsman, localName: "ResourceURI",
                text: "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/Msvm_ReplicationService",
                line: 1
            ),
            XMLElement(namespaceURI: wsman, localName: "SelectorSet", children: [
                selector("CreationClassName", "Msvm_ReplicationService"),
                selector("Name", "replicasvc"),
                selector("SystemCreationClassName", "Msvm_ComputerSystem"),
                selector("SystemName", "WMILAB-HV01"),
            ], line: 1),
        ], line: 1)
        let body = XMLElement(namespaceURI: soap, localName: "Body", line: 1)
        return XMLElement(namespaceURI: soap, localName: "Envelope", children: [header, body], line: 1)
    }()

    @Test func getEnvelopeBuildsTheExpectedTree() throws {
        #expect(Self.getEnvelope.utf8.count == 763)
        #expect(try parser.parse(Self.getEnvelope) == Self.getTree)
    }

    @Test func manyParsesInARowOnOneThread() throws {
        let bytes = Array(Self.getEnvelope.utf8)
        for index in 0..<5_000 {
            if index % 7 == 3 { #expect(throws: XMLError.self) { try parser.parse(bytes.dropLast(4)) } }
            let root = try parser.parse(bytes)
            if root != Self.getTree {
                Issue.record("parse \(index) differs")
                return
            }
        }
    }

    @Test func manyParsesFromSeveralThreads() async throws {
        let bytes = Array(Self.getEnvelope.utf8)
        try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<6 {
                group.addTask {
                    let parser = XMLTreeParser()
                    var good = 0
                    for index in 0..<1_500 {
                        if (index + worker) % 11 == 0 {
                            let broken = "<w\(worker)><x\(index)></w\(worker)>"
                            #expect(throws: XMLError.self) { try parser.parse(broken) }
                        }
                        let unique = "<u\(worker) xmlns=\"urn:w\(worker)\" n=\"\(index)&amp;\">\(index)</u\(worker)>"
                        let own = try parser.parse(unique)
                        #expect(own == XMLElement(
                            namespaceURI: "urn:w\(worker)", localName: "u\(worker)",
                            attributes: [XMLAttribute(namespaceURI: nil, localName: "n", value: "\(index)&")],
                            text: "\(index)", line: 1
                        ))
                        if try parser.parse(bytes) == TreeBuildingTests.getTree { good += 1 }
                    }
                    return good
                }
            }
            for try await good in group { #expect(good == 1_500) }
        }
    }
}
