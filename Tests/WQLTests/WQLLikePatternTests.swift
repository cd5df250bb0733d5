import CIM
import Testing

@Suite("WQL LIKE patterns")
struct WQLLikePatternTests {
    @Test(
        "Wildcards follow WMI",
        arguments: [
            ("app%", "app01", true),
            ("app%", "APP", true),
            ("app%", "ap", false),
            ("%01", "db01", true),
            ("%0%1%", "web01", true),
            ("_b01", "db01", true),
            ("_b01", "dbb01", false),
            ("[a-d]b01", "db01", true),
            ("[a-c]b01", "db01", false),
            ("[^a-c]b01", "db01", true),
            ("[^d]b01", "db01", false),
            ("100[%]", "100%", true),
            ("100[%]", "1000", false),
            ("[_]x", "_x", true),
            ("[_]x", "ax", false),
            ("a[]]b", "a]b", true),
            ("%", "", true),
            ("", "", true),
            ("", "a", false),
            ("%%a", "ba", true),
            ("x%y%z", "xAAyBBz", true),
            ("x%y%z", "xAAzBBy", false),
        ])
    func matches(pattern: String, value: String, expected: Bool) throws {
        #expect(try WQLLikePattern(pattern).matches(value) == expected)
    }

    @Test("An unclosed set is an error")
    func unclosedSet() {
        #expect(throws: WQLError.self) { try WQLLikePattern("[abc") }
    }
}
