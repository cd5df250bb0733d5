import Foundation
import Testing
import XML

/// Every captured client request and server response in ../shared/fixtures/wire parses to exactly the tree (or
/// the error, with its position) recorded in Fixtures/wire-trees.txt: one line per document with the element
/// count and a digest of the whole tree (names, namespaces, attributes, text, lines).
///
/// To re-record after a deliberate change: `WMILAB_RECORD_WIRE_TREES=1 swift test --filter WireTreeGolden`.
@Suite struct WireTreeGoldenTests {
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.pathComponents.count > 1 {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { break }
        }
        return url
    }()
    static let wire = packageRoot.appendingPathComponent("../shared/fixtures/wire").standardizedFileURL
    static let golden = packageRoot.appendingPathComponent("Tests/XMLTests/Fixtures/wire-trees.txt")

    /// Relative paths of every .xml document under the wire fixtures, sorted.
    static func documents() -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: wire.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".xml") }.sorted()
    }

    static func summary(of path: String) throws -> String {
        let bytes = [UInt8](try Data(contentsOf: wire.appendingPathComponent(path)))
        let result: Result<XMLElement, XMLError>
        do { result = .success(try XMLTreeParser().parse(bytes)) } catch { result = .failure(error) }
        switch result {
        case .success(let root):
            return "\(path)\t\(TreeDump.elementCount(root))\t\(TreeDump.digest(TreeDump.dump(root)))"
        case .failure(let error):
            return "\(path)\terror\t\(error.description)"
        }
    }

    @Test func everyWireDocumentParsesAsRecorded() throws {
        let paths = Self.documents()
        try #require(paths.count > 50, "wire fixtures not found at \(Self.wire.path)")
        let lines = try paths.map(Self.summary(of:))
        if ProcessInfo.processInfo.environment["WMILAB_RECORD_WIRE_TREES"] == "1" {
            try (lines.joined(separator: "\n") + "\n").write(to: Self.golden, atomically: true, encoding: .utf8)
            return
        }
        let recorded = try String(contentsOf: Self.golden, encoding: .utf8)
            .split(separator: "\n").map(String.init)
        #expect(lines.count == recorded.count)
        for (line, expected) in zip(lines, recorded) {
            #expect(line == expected)
        }
    }
}
