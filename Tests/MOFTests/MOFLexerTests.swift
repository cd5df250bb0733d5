import Testing

@testable import MOF

@Suite struct MOFLexerTests {
    static func kinds(_ source: String) throws -> [MOFToken.Kind] {
        var lexer = MOFLexer(source: source, file: "t.mof")
        var out: [MOFToken.Kind] = []
        while true {
            let t = try lexer.next()
            if t.kind == .endOfFile { return out }
            out.append(t.kind)
        }
    }

    @Test(arguments: [
        ("42", MOFToken.Kind.integer(negative: false, magnitude: 42)),
        ("-42", .integer(negative: true, magnitude: 42)),
        ("0x1F", .integer(negative: false, magnitude: 31)),
        ("-0XfF", .integer(negative: true, magnitude: 255)),
        ("017", .integer(negative: false, magnitude: 15)),
        ("101b", .integer(negative: false, magnitude: 5)),
        ("0", .integer(negative: false, magnitude: 0)),
        ("18446744073709551615", .integer(negative: false, magnitude: .max)),
        ("1.5", .real(1.5)),
        ("-2.5e-3", .real(-0.0025)),
        (".5", .real(0.5)),
        ("1E3", .real(1000)),
        (#""a\"b\\c\n\x41""#, .string("a\"b\\c\nA")),
        ("'x'", .char16("x")),
        (#"'\''"#, .char16("'")),
        ("$Alias1", .alias("Alias1")),
        ("CIM_ManagedElement", .identifier("CIM_ManagedElement")),
    ])
    func literals(_ source: String, _ expected: MOFToken.Kind) throws {
        #expect(try Self.kinds(source) == [expected])
    }

    @Test func commentsPragmaAndLocations() throws {
        let source = "// line comment\n/* block\n comment */ #PRAGMA namespace(\"root\")\n  class X : Y { };"
        var lexer = MOFLexer(source: source, file: "f.mof")
        let pragma = try lexer.next()
        #expect(pragma.kind == .pragma)
        #expect(pragma.location == MOFSourceLocation(file: "f.mof", line: 3, column: 13))
        #expect(try lexer.next().kind == .identifier("namespace"))
        var rest: [MOFToken] = []
        while true {
            let t = try lexer.next()
            if t.kind == .endOfFile { break }
            rest.append(t)
        }
        #expect(rest.count == 10)
        #expect(rest[3].kind == .identifier("class") && rest[3].location.line == 4 && rest[3].location.column == 3)
    }

    @Test(arguments: [
        ("\"abc", "unterminated literal", 1, 1),
        ("x /* never", "unterminated comment", 1, 3),
        ("0x", "invalid number", 1, 1),
        ("09", "invalid number", 1, 1),
        ("102b", "invalid number", 1, 1),
        ("99999999999999999999", "does not fit in 64 bits", 1, 1),
        ("\n  \"a\\q\"", "unknown escape", 2, 6),
        ("'ab'", "exactly one character", 1, 1),
        ("  @", "unexpected character '@'", 1, 3),
        ("#include", "expected '#pragma'", 1, 1),
    ])
    func errors(_ source: String, _ fragment: String, _ line: Int, _ column: Int) {
        #expect {
            _ = try Self.kinds(source)
        } throws: { error in
            guard let e = error as? MOFSyntaxError else { return false }
            return e.message.contains(fragment) && e.location.line == line && e.location.column == column
        }
    }
}
