import Foundation
import GRDB

/// The SQLite database of one host's data directory (`wmilab.sqlite`), shared by the `InstanceStore`, the
/// `LabLoader` and the `JobQueue`.
///
/// Durability: WAL journal with `synchronous = FULL`. Every write is its own transaction, committed (and, with FULL,
/// fsync'd) before the call returns, so anything a client was told is done survives `kill -9` and also a power cut.
/// NORMAL would survive `kill -9` alone; FULL costs one fsync per write, which the lab can afford.
public final class LabDatabase: Sendable {
    /// The database file name inside the data directory.
    public static let fileName = "wmilab.sqlite"

    let pool: DatabasePool
    /// Where the database lives.
    public let url: URL

    /// Opens (creating when needed) the database in `directory`, creating the directory too.
    public init(directory: URL) throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw CIMStatus.failed("cannot create data directory \(directory.path): \(error.localizedDescription)")
        }
        url = directory.appendingPathComponent(Self.fileName)
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        configuration.busyMode = .timeout(10)
        do {
            pool = try DatabasePool(path: url.path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch {
            throw CIMStatus.failed("cannot open \(url.path): \(error)")
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE instance (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        namespace TEXT NOT NULL,
                        classKey TEXT NOT NULL,
                        keyString TEXT NOT NULL,
                        body TEXT NOT NULL,
                        UNIQUE (namespace, classKey, keyString)
                    );
                    CREATE TABLE labToken (name TEXT PRIMARY KEY, value TEXT NOT NULL);
                    CREATE TABLE labState (name TEXT PRIMARY KEY, value TEXT NOT NULL);
                    CREATE TABLE job (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        namespace TEXT NOT NULL,
                        body TEXT NOT NULL
                    );
                    """)
        }
        return migrator
    }

    /// Runs `body` in one write transaction, committed before returning.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.write(body)
        } catch let status as CIMStatus {
            throw status
        } catch {
            throw CIMStatus.failed("database write failed: \(error)")
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch let status as CIMStatus {
            throw status
        } catch {
            throw CIMStatus.failed("database read failed: \(error)")
        }
    }
}
