import Foundation
import Testing
import XML

/// 8,000 generated documents (`GeneratedDocuments`, fixed seed) parse to exactly the trees and errors recorded
/// in Fixtures/generated-trees.txt: per block of 1,000 documents, how many parsed, how many were refused, and a
/// digest of every tree and every error (kind, message, line, column).
///
/// The record was made with the libxml2 DOM-based parser this one replaced. To re-record after a deliberate
/// change: `WMILAB_RECORD_GENERATED_TREES=1 swift test --filter GeneratedTreeGolden`.
@Suite struct GeneratedTreeGoldenTests {
    static let golden = WireTreeGoldenTests.packageRoot
        .appendingPathComponent("Tests/XMLTests/Fixtures/generated-trees.txt")

    /// One line per block: block number, parsed, refused, digest.
    static func summaries(blocks: Int, blockSize: Int) -> [String] {
        let parser = XMLTreeParser()
        var documents = GeneratedDocuments(seed: 42, count: blocks * blockSize)
        var lines: [String] = []
        for block in 0..<blocks {
            var parsed = 0
            var refused = 0
            var dump = ""
            for index in 0..<blockSize {
                guard let document = documents.next() else { break }
                dump += "#\(block * blockSize + index)\n"
                let result: Result<XMLElement, XMLError>
                do { result = .success(try parser.parse(document)) } catch { result = .failure(error) }
                dump += TreeDump.dump(result)
                if case .success = result { parsed += 1 } else { refused += 1 }
            }
            lines.append("\(block)\t\(parsed)\t\(refused)\t\(TreeDump.digest(dump))")
        }
        return lines
    }

    @Test func generatedDocumentsParseAsRecorded() throws {
        let lines = Self.summaries(blocks: 8, blockSize: 1_000)
        if ProcessInfo.processInfo.environment["WMILAB_RECORD_GENERATED_TREES"] == "1" {
            try (lines.joined(separator: "\n") + "\n").write(to: Self.golden, atomically: true, encoding: .utf8)
            return
        }
        let recorded = try String(contentsOf: Self.golden, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines == recorded)
    }
}
