import GRDB

extension LabDatabase {
    /// The value stored under `name` in the host's key-value state, or nil.
    ///
    /// Providers keep their own durable records here (the replication engine: one JSON document per virtual
    /// machine), committed like every other write before the call returns.
    public func stateValue(_ name: String) throws -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT value FROM labState WHERE name = ?", arguments: [name]) }
    }

    /// Every state value whose name starts with `prefix`, by name.
    public func stateValues(prefix: String) throws -> [String: String] {
        let rows = try read { db in
            try Row.fetchAll(
                db, sql: "SELECT name, value FROM labState WHERE substr(name, 1, ?) = ?",
                arguments: [prefix.count, prefix])
        }
        var values: [String: String] = [:]
        for row in rows { values[row["name"]] = row["value"] }
        return values
    }

    /// Stores `value` under `name` (nil deletes it), durably before returning.
    public func setStateValue(_ value: String?, for name: String) throws {
        try write { db in
            if let value {
                try db.execute(
                    sql: "INSERT INTO labState (name, value) VALUES (?, ?) "
                        + "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                    arguments: [name, value])
            } else {
                try db.execute(sql: "DELETE FROM labState WHERE name = ?", arguments: [name])
            }
        }
    }
}
