import Foundation
import GRDB
@testable import Providers
import Testing

@Suite("Lab database")
struct LabDatabaseTests {
    private func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("wmilab-db-\(UUID().uuidString)")
    }

    @Test("The database is WAL with synchronous FULL and keeps committed rows across reopen")
    func durableAcrossReopen() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let database = try LabDatabase(directory: directory)
            let (journal, synchronous) = try database.read { db in
                (
                    try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                    try Int.fetchOne(db, sql: "PRAGMA synchronous")
                )
            }
            #expect(journal == "wal")
            #expect(synchronous == 2)
            try database.write { db in
                try db.execute(sql: "INSERT INTO labToken (name, value) VALUES ('app01', 'A-B')")
            }
        }
        let reopened = try LabDatabase(directory: directory)
        let value = try reopened.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM labToken WHERE name = 'app01'")
        }
        #expect(value == "A-B")
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(LabDatabase.fileName).path))
    }

    @Test("A data directory that cannot be created is a clear error")
    func unusableDirectory() throws {
        let file = temporaryDirectory()
        try Data("x".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(throws: CIMStatus.self) { try LabDatabase(directory: file.appendingPathComponent("data")) }
    }
}
