import Testing
import XML

/// Hostile documents: each must be refused with a clear error, quickly, without crashing.
@Suite struct HostileInputTests {
    let parser = XMLTreeParser()

    private func expectRefusal(_ bytes: [UInt8], kind: XMLError, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let root = try parser.parse(bytes)
            Issue.record("accepted hostile input, root \(root.localName)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.isSameKind(as: kind), "got \(error)", sourceLocation: sourceLocation)
            #expect(!error.message.isEmpty, sourceLocation: sourceLocation)
        }
    }

    @Test func billionLaughsIsRefusedAtTheDoctype() {
        var document = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
        for level in 1...9 {
            let previous = level == 1 ? "lol" : "lol\(level - 1)"
            document += " <!ENTITY lol\(level) \"" + String(repeating: "&\(previous);", count: 10) + "\">\n"
        }
        document += "]>\n<lolz>&lol9;</lolz>"
        expectRefusal(Array(document.utf8), kind: .doctypeNotAllowed(line: 0, column: 0))
    }

    @Test func externalEntityNeverReadsTheFile() {
        let document = """
            <?xml version="1.0"?>
            <!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <r>&xxe;</r>
            """
        do {
            let root = try parser.parse(document)
            Issue.record("accepted: \(root.text)")
        } catch {
            #expect(error.isSameKind(as: .doctypeNotAllowed(line: 0, column: 0)))
            #expect(!error.description.contains("root:"))
        }
    }

    @Test func externalEntityWithoutDeclarationIsUndefined() {
        expectRefusal(Array("<r>&passwd;</r>".utf8), kind: .malformed("", line: 0, column: 0))
    }

    @Test(arguments: [
        "<!DOCTYPE r><r/>",
        "<!DOCTYPE r SYSTEM \"http://127.0.0.1:9/evil.dtd\"><r/>",
        "<!DOCTYPE r PUBLIC \"-//x//y\" \"file:///etc/passwd\"><r/>",
        "<?xml version=\"1.0\"?><!-- c --><!DOCTYPE r [<!ELEMENT r ANY>]><r/>",
    ])
    func anyDoctypeIsRefused(_ document: String) {
        expectRefusal(Array(document.utf8), kind: .doctypeNotAllowed(line: 0, column: 0))
    }

    @Test func tenMegabyteBodyIsRefusedBeforeParsing() {
        var bytes = Array("<r>".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "a"), count: 10 * 1024 * 1024)
        bytes += Array("</r>".utf8)
        expectRefusal(bytes, kind: .tooLarge(size: 0, limit: 0))
    }

    @Test func hundredThousandLevelsAreRefused() {
        let depth = 100_000
        var bytes: [UInt8] = []
        bytes.reserveCapacity(depth * 7)
        for _ in 0..<depth { bytes += Array("<a>".utf8) }
        for _ in 0..<depth { bytes += Array("</a>".utf8) }
        expectRefusal(bytes, kind: .tooDeep(limit: 0, line: 0, column: 0))
    }

    @Test func depthLimitIsConfigurable() throws {
        let shallow = XMLTreeParser(limits: XMLLimits(maxDepth: 3))
        #expect(throws: Never.self) { try shallow.parse("<a><b><c/></b></a>") }
        #expect(throws: XMLError.self) { try shallow.parse("<a><b><c><d/></c></b></a>") }
    }

    @Test(arguments: [
        [0x3C, 0x72, 0x3E, 0xC3, 0x28, 0x3C, 0x2F, 0x72, 0x3E] as [UInt8],  // broken 2-byte sequence
        [0x3C, 0x72, 0x3E, 0xFF, 0x3C, 0x2F, 0x72, 0x3E],  // 0xFF never appears in UTF-8
        [0x3C, 0x72, 0x3E, 0xED, 0xA0, 0x80, 0x3C, 0x2F, 0x72, 0x3E],  // encoded surrogate
        [0xFF, 0xFE, 0x3C, 0x00, 0x72, 0x00, 0x2F, 0x00, 0x3E, 0x00],  // UTF-16LE
    ])
    func invalidUTF8IsRefused(_ bytes: [UInt8]) {
        expectRefusal(bytes, kind: .invalidEncoding(""))
    }

    @Test func controlCharactersAreRefused() {
        expectRefusal(Array("<r>\u{1}</r>".utf8), kind: .malformed("", line: 0, column: 0))
    }
}
