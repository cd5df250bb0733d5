import Foundation
import Providers

/// Persists `ReplicationRecord`s in the host's database, one JSON document per VM, each write durable before it
/// returns.
struct ReplicationRecordStore: Sendable {
    private static let prefix = "hvr/"
    private let database: LabDatabase

    init(database: LabDatabase) {
        self.database = database
    }

    func loadAll() throws -> [ReplicationRecord] {
        let decoder = JSONDecoder()
        return try database.stateValues(prefix: Self.prefix).values.map { text in
            do {
                return try decoder.decode(ReplicationRecord.self, from: Data(text.utf8))
            } catch {
                throw CIMStatus.failed("a stored replication record is unreadable: \(error)")
            }
        }
    }

    func save(_ record: ReplicationRecord) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text: String
        do {
            text = String(decoding: try encoder.encode(record), as: UTF8.self)
        } catch {
            throw CIMStatus.failed("a replication record cannot be encoded: \(error)")
        }
        try database.setStateValue(text, for: Self.prefix + record.vmName.lowercased())
    }

    func delete(vmName: String) throws {
        try database.setStateValue(nil, for: Self.prefix + vmName.lowercased())
    }
}
