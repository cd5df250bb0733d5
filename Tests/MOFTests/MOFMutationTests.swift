import CIM
import SeededRandom
import Testing

@testable import MOF

/// Mutated MOF — characters inserted, cut, flipped, truncated — always gets an answer: the compiler
/// returns with diagnostics that point into the source, and `parseInstance` returns or throws. Hangs
/// found this way: a stray character in a declaration, an unterminated `#pragma` argument list.
@Suite struct MOFMutationTests {
    static let seed = #"""
        #pragma namespace("\\\\.\\root\\cimv2")
        Qualifier Key : boolean = false, Scope(property, reference), Flavor(DisableOverride, ToSubclass);
        Qualifier Description : string = null, Scope(any), Flavor(Translatable);
        Qualifier ValueMap : string[], Scope(property, parameter, method);
        Qualifier EmbeddedInstance : string = null, Scope(property, parameter, method);
        [Description("a base")] class Lab_Base { [Key] string InstanceID; };
        class Lab_Thing : Lab_Base {
            uint8 Hex = 0x1F; sint16 Oct = -017; uint32 Bin = 101b; real64 R = 2.5e1;
            string S = "a" "b\n\x41"; char16 C = 'z'; datetime T = "00000000000500.000000:000";
            [ValueMap {"0", "1"}] uint16 A[] = {1, 2, 3}; boolean F = TRUE; string N = NULL;
            [EmbeddedInstance("Lab_Base")] string Inner;
            uint32 Go([in] uint16 X, [out] Lab_Base REF Job, [in] string Names[]);
        };
        // a comment
        /* another */
        instance of Lab_Thing as $T1 { InstanceID = "one"; Hex = 7; Inner = instance of Lab_Base { InstanceID = "in"; }; };
        #pragma include ("nowhere.mof")
        """#

    static let fragments: [[UInt8]] = [
        "@", "\0", "\u{FF}", "\"", "'", "\\", "{", "}", "[", "]", "(", ")", ";", ",", "=", "#pragma", "$", "0x",
        "-", ".", "e+", "/*", "//", "\n", "instance of", "class", "REF", "[]", "\\x", "99999999999999999999999",
        "qualifier", "as $a", String(repeating: "{", count: 64),
    ].map { Array($0.utf8) }

    @Test func mutatedSourcesAlwaysGetAnAnswer() {
        var rng = SplitMix64(state: 0x5EED_0F_4D0F)
        let original = Array(Self.seed.utf8)
        for _ in 0..<400 {
            var bytes = original
            for _ in 0...rng.below(6) { mutate(&bytes, &rng) }
            let source = String(decoding: bytes, as: UTF8.self)
            let lines = source.split(separator: "\n", omittingEmptySubsequences: false).count
            let result = MOFCompiler().compile(source: source, fileName: "mutated.mof")
            for d in result.diagnostics where d.location.file == "mutated.mof" {
                #expect((1...lines + 1).contains(d.location.line), "\(d) in:\n\(source)")
            }
        }
    }

    @Test func mutatedInstanceTextIsParsedOrRefused() throws {
        let schema = MOFCompiler().compile(source: Self.seed).repository
        var rng = SplitMix64(state: 0x1257_A7CE)
        let original = Array(#"instance of Lab_Thing { InstanceID = "x"; A = {1, 2}; S = "t"; };"#.utf8)
        var parsed = 0
        for _ in 0..<400 {
            var bytes = original
            for _ in 0...rng.below(3) { mutate(&bytes, &rng) }
            let text = String(decoding: bytes, as: UTF8.self)
            if (try? MOFCompiler.parseInstance(text, in: .rootCIMV2, schema: schema)) != nil { parsed += 1 }
        }
        // Some mutations (in a string's content, say) leave a valid instance.
        #expect(parsed > 0)
    }

    private func mutate(_ bytes: inout [UInt8], _ rng: inout SplitMix64) {
        let at = rng.below(bytes.count + 1)
        switch rng.below(5) {
        case 0: bytes.insert(contentsOf: Self.fragments[rng.below(Self.fragments.count)], at: at)
        case 1: bytes.removeSubrange(at..<min(bytes.count, at + 1 + rng.below(20)))
        case 2: if at < bytes.count { bytes[at] = UInt8(truncatingIfNeeded: rng.next()) }
        case 3: bytes.removeSubrange(at...)
        default:
            let from = rng.below(bytes.count + 1)
            bytes.insert(contentsOf: bytes[from..<min(bytes.count, from + 1 + rng.below(200))], at: at)
        }
    }
}

extension SplitMix64 {
    fileprivate mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int.random(in: 0..<n, using: &self) }
}
