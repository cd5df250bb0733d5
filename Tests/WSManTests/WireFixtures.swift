import Foundation

/// The captured client requests in ../shared/fixtures/wire, found relative to the package root.
enum WireFixtures {
    static let directory: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.pathComponents.count > 1 {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { break }
        }
        return url.appendingPathComponent("../shared/fixtures/wire").standardizedFileURL
    }()

    struct Entry: Decodable, Sendable, CustomStringConvertible {
        let file: String
        let op: String
        let client: String
        let encrypted: Bool
        let http_status: Int
        var description: String { file }
    }

    /// Manifest entries that have a plaintext request body on disk.
    static let requests: [Entry] = {
        guard let data = try? Data(contentsOf: directory.appendingPathComponent("manifest.json")),
              let entries = try? JSONDecoder().decode([Entry].self, from: data)
        else { return [] }
        return entries.filter { entry in
            FileManager.default.fileExists(atPath: directory.appendingPathComponent(entry.file + ".xml").path)
        }
    }()

    static func bytes(_ file: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(file + ".xml")))
    }
}
