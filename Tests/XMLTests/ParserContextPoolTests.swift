import Testing
@testable import XML

/// The pool takes a parser context back only after a clean parse: one that met an error is freed, never reused.
@Suite struct ParserContextPoolTests {
    private func parse(_ text: String, pool: ParserContextPool) -> Result<XMLElement, XMLError> {
        Array(text.utf8).withUnsafeBufferPointer { XMLTreeParser.parse($0, maxDepth: 64, pool: pool) }
    }

    @Test(arguments: [
        "<a><b>half</b><c>",
        "<a><b></c></a>",
        "<!DOCTYPE a><a/>",
        "<p:a/>",
        "<a>&x;</a>",
        "<a><b><c/></b></a>",
    ])
    func aContextThatMetAnErrorIsFreed(_ broken: String) throws {
        let pool = ParserContextPool(capacity: 4, maxDictionaryNames: 4096)
        weak var used: ParserContext?
        do {
            let context = try #require(pool.take())
            pool.give(context, reusable: true)
            used = context
        }
        #expect(used != nil)
        #expect(pool.idleCount == 1)
        let shallow = Array(broken.utf8).withUnsafeBufferPointer { XMLTreeParser.parse($0, maxDepth: 2, pool: pool) }
        #expect(throws: XMLError.self) { try shallow.get() }
        #expect(pool.idleCount == 0)
        #expect(used == nil, "the parser context was not freed")
        let root = try parse("<a><b>whole</b></a>", pool: pool).get()
        #expect(root.children.first?.text == "whole")
        #expect(pool.idleCount == 1)
    }

    @Test func aCleanParseKeepsItsContextAndItsNames() throws {
        let pool = ParserContextPool(capacity: 4, maxDictionaryNames: 4096)
        _ = try parse("<w:a xmlns:w=\"urn:w\" n=\"1\"/>", pool: pool).get()
        let context = try #require(pool.take())
        pool.give(context, reusable: true)
        for index in 0..<20 {
            let root = try parse("<w:a xmlns:w=\"urn:w\" n=\"\(index)\"><w:b/></w:a>", pool: pool).get()
            #expect(root == XMLElement(
                namespaceURI: "urn:w", localName: "a",
                attributes: [XMLAttribute(namespaceURI: nil, localName: "n", value: "\(index)")],
                children: [XMLElement(namespaceURI: "urn:w", localName: "b", line: 1)], line: 1
            ))
            #expect(pool.holds(context))
        }
        #expect(pool.idleCount == 1)
    }

    @Test func aContextWhoseDictionaryGrewIsFreed() throws {
        let pool = ParserContextPool(capacity: 4, maxDictionaryNames: 100)
        var document = "<r>"
        for index in 0..<300 { document += "<n\(index) a\(index)=\"v\"/>" }
        document += "</r>"
        let root = try parse(document, pool: pool).get()
        #expect(root.children.count == 300)
        #expect(root.children[299].is(nil, "n299"))
        #expect(root.children[299].attribute("a299") == "v")
        #expect(pool.idleCount == 0)
        _ = try parse("<small/>", pool: pool).get()
        #expect(pool.idleCount == 1)
    }

    @Test func thePoolKeepsAtMostItsCapacity() throws {
        let pool = ParserContextPool(capacity: 2, maxDictionaryNames: 4096)
        let contexts = (0..<4).compactMap { _ in pool.take() }
        #expect(contexts.count == 4)
        for context in contexts { pool.give(context, reusable: true) }
        #expect(pool.idleCount == 2)
    }
}
