import CIM
import Foundation
import Testing

@testable import MOF

@Suite struct MOFCompilerTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let dmtfTop = packageRoot.appendingPathComponent(
        "../shared/data/dmtf-cim-schema/cim_schema_2.49.0/cim_schema_2.49.0.mof")

    @Test func dmtfSchemaCompiles() throws {
        let result = MOFCompiler().compile(files: [Self.dmtfTop])
        #expect(result.errors.isEmpty, "\(result.errors.prefix(5))")
        let repo = result.repository
        #expect(repo.classes(in: .rootCIMV2).count == 1631)
        #expect(Set(repo.keys(of: "CIM_ComputerSystem", in: .rootCIMV2)) == ["CreationClassName", "Name"])
        let getError = try #require(repo.method("GetError", of: "CIM_ConcreteJob", in: .rootCIMV2))
        let error = try #require(getError.parameter(named: "Error"))
        #expect(error.direction == .out)
        #expect(error.embeddedInstanceClass == "CIM_Error")
        let cs = try #require(repo.class(named: "cim_computersystem", in: .rootCIMV2))
        #expect(!cs.isAbstract || cs.qualifiers["Abstract"]?.propagated == false)
        #expect(repo.isSubclass("CIM_ComputerSystem", of: "CIM_ManagedElement", in: .rootCIMV2))
    }

    @Test func literalsPragmasAndAliases() throws {
        let source = #"""
            #pragma namespace("\\\\.\\root\\virtualization\\v2")
            #pragma locale("en_US")
            Qualifier Key : boolean = false, Scope(property, reference), Flavor(DisableOverride, ToSubclass);
            [Abstract] class Lab_Base { [Key] string InstanceID; };
            class Lab_Thing : Lab_Base {
                uint8 Hex = 0x1F; sint16 Oct = -017; uint32 Bin = 101b; real64 R = 2.5e1;
                string S = "a" "b\n"; char16 C = 'z'; datetime T = "00000000000500.000000:000";
                uint16 A[] = {1, 2, 3}; boolean F = TRUE; string N = NULL;
                uint32 Go([in] uint16 X, [out] Lab_Base REF Job);
            };
            instance of Lab_Thing as $T1 { InstanceID = "one"; Hex = 7; };
            """#
        let result = MOFCompiler().compile(source: source, fileName: "lab.mof")
        #expect(result.errors.isEmpty, "\(result.errors)")
        let ns = CIMNamespace.virtualizationV2
        let cls = try #require(result.repository.class(named: "Lab_Thing", in: ns))
        #expect(cls.property(named: "Hex")?.defaultValue == .uint8(31))
        #expect(cls.property(named: "Oct")?.defaultValue == .sint16(-15))
        #expect(cls.property(named: "Bin")?.defaultValue == .uint32(5))
        #expect(cls.property(named: "R")?.defaultValue == .real64(25))
        #expect(cls.property(named: "S")?.defaultValue == .string("ab\n"))
        #expect(cls.property(named: "C")?.defaultValue == .char16("z"))
        let array = CIMValue.array([.uint16(1), .uint16(2), .uint16(3)], elementType: .uint16)
        #expect(cls.property(named: "A")?.defaultValue == array)
        #expect(cls.keyPropertyNames == ["InstanceID"])
        #expect(!cls.isAbstract)
        #expect(cls.method(named: "go")?.parameters.map(\.direction) == [.in, .out])
        let inst = try #require(result.repository.instances(in: ns).first)
        #expect(inst["hex"] == .uint8(7))
    }

    @Test(arguments: [
        ("class A : Missing { };", "superclass 'Missing' of class 'A' is not defined", 1, 7),
        ("class A { string X; uint8 X; };", "duplicate property or method 'X'", 1, 27),
        // In a subclass, where the second declaration once indexed past the superclass's members.
        ("class A { string Y; }; class B : A { string X; uint8 X; };", "duplicate property or method 'X'", 1, 54),
        ("class A { string Y; }; class B : A { uint32 M(); uint32 m(); };", "duplicate property or method 'm'", 1, 57),
        ("class A { uint8 X = 300; };", "out of range for uint8", 1, 17),
        ("class A { string X = 5; };", "an integer is not a value of type string", 1, 18),
        ("class A { Nope REF R; };", "refers to undefined class 'Nope'", 1, 7),
        ("class A { foo X; };", "unknown type 'foo'", 1, 11),
        ("class A { string X };", "expected ';'", 1, 20),
        ("instance of Nope { };", "class 'Nope' is not defined", 1, 13),
        ("#pragma frob(\"x\")\nclass A {};", "unknown pragma 'frob'", 1, 1),
        ("//\n#pragma include(\"\"", "expected ')' at end of file", 2, 19),
    ])
    func diagnostics(_ source: String, _ fragment: String, _ line: Int, _ column: Int) {
        let result = MOFCompiler().compile(source: source, fileName: "bad.mof")
        let hit = result.diagnostics.first { $0.message.contains(fragment) }
        #expect(hit != nil, "\(result.diagnostics)")
        #expect(hit?.location.line == line && hit?.location.column == column, "\(String(describing: hit))")
    }

    @Test func reportsEveryError() {
        let source = "class A : Missing { };\nclass B { uint8 X = 300; };\nclass C { string X };\nclass D { foo Y; };"
        let result = MOFCompiler().compile(source: source, fileName: "bad.mof")
        #expect(Set(result.errors.map(\.location.line)) == [1, 2, 3, 4], "\(result.errors)")
    }

    @Test func strayCharacterIsReportedAndCompilingGoesOn() {
        let source = "class A {\n  string X @;\n};\nclass B { string Y; };\n"
        let result = MOFCompiler().compile(source: source, fileName: "stray.mof")
        #expect(result.errors.map(\.message) == ["unexpected character '@'"], "\(result.errors)")
        #expect(result.errors.first?.location.line == 2)
        #expect(result.repository.class(named: "B", in: .rootCIMV2) != nil)
    }

    @Test func includesResolveRelativeToTheIncludingFile() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Each class derives from the one before, so the order in which files are compiled shows.
        var top = "#pragma include (\"sub/first.mof\")\n"
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try "#pragma include(\"../base.mof\")\nclass Lab_C0 : Lab_Base { };\n"
            .write(to: dir.appendingPathComponent("sub/first.mof"), atomically: true, encoding: .utf8)
        try "class Lab_Base { [Key] string Id; };\n"
            .write(to: dir.appendingPathComponent("base.mof"), atomically: true, encoding: .utf8)
        for i in 1...40 {
            top += "#pragma include (\"c\(i).mof\")\n"
            try "class Lab_C\(i) : Lab_C\(i - 1) { uint32 P\(i); };\n"
                .write(to: dir.appendingPathComponent("c\(i).mof"), atomically: true, encoding: .utf8)
        }
        top += "#pragma include (\"missing.mof\")\n"
        // UTF-16 with a byte-order mark, as Windows tools write MOF.
        top += "#pragma include (\"wide.mof\")\n"
        var wide = Data([0xFF, 0xFE])
        wide.append("class Lab_Wide : Lab_C40 { };\n".data(using: .utf16LittleEndian)!)
        try wide.write(to: dir.appendingPathComponent("wide.mof"))
        try top.write(to: dir.appendingPathComponent("top.mof"), atomically: true, encoding: .utf8)

        let result = MOFCompiler().compile(files: [dir.appendingPathComponent("top.mof")])
        #expect(result.errors.count == 1, "\(result.errors)")
        let missing = try #require(result.errors.first)
        #expect(missing.message.contains("cannot read") && missing.message.contains("missing.mof"))
        #expect(missing.location.line == 42)
        let wideClass = try #require(result.repository.class(named: "Lab_Wide", in: .rootCIMV2))
        #expect(wideClass.properties.count == 41)
        #expect(result.repository.isSubclass("Lab_C40", of: "Lab_Base", in: .rootCIMV2))
    }

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mof-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func disableOverrideCannotBeOverridden() {
        let source = """
            class A { [Key] string K; };
            class B : A { [Key(false)] string K; };
            """
        let result = MOFCompiler().compile(source: source)
        #expect(result.errors.contains { $0.message.contains("DisableOverride") })
    }

    @Test func parseInstance() throws {
        let schema = MOFCompiler().compile(source: "class X { [Key] string Id; uint16 N; };").repository
        let i = try MOFCompiler.parseInstance(#"instance of X { Id = "a"; N = 4; };"#, in: .rootCIMV2, schema: schema)
        #expect(i["N"] == .uint16(4))
        #expect(throws: MOFSyntaxError.self) {
            _ = try MOFCompiler.parseInstance("instance of X { N = -1; };", in: .rootCIMV2, schema: schema)
        }
        // A character MOF does not have: an error, not a parser that never returns.
        #expect(throws: MOFSyntaxError.self) {
            _ = try MOFCompiler.parseInstance("instance of X { Id = @; };", in: .rootCIMV2, schema: schema)
        }
    }

    @Test func embeddedInstanceValues() throws {
        let result = MOFCompiler().compile(source: """
            class Settings { [Key] string Id; uint16 Port; };
            class Holder { [Key] string Id; [EmbeddedInstance("Settings")] string Current; };
            instance of Holder { Id = "h"; Current = instance of Settings { Id = "s"; Port = 8080; }; };
            instance of Holder { Id = "bad"; Current = instance of Settings { Port = "x"; }; };
            """)
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.location.line == 4)
        let holder = try #require(result.repository.instances(of: "Holder", in: .rootCIMV2).first)
        guard case .instance(let embedded)? = holder["Current"] else {
            Issue.record("Current is not an embedded instance: \(String(describing: holder["Current"]))")
            return
        }
        #expect(embedded.className == "Settings")
        #expect(embedded["Port"] == .uint16(8080))
    }
}
