import CIM
import Foundation
import GRDB

/// The persistent instance provider: instances declared in the lab MOF and instances created over WS-Man, kept in
/// SQLite (`LabDatabase`) keyed by namespace + class + canonical key string, bodies as typed JSON
/// (`StoredInstance`). It is the default provider of every class without a specific one.
///
/// Reads come from an in-memory copy loaded at open; every write commits to SQLite before the in-memory copy changes
/// and before the call returns.
public final class InstanceStore: ImmediateInstanceProvider, @unchecked Sendable {
    fileprivate struct ClassKey: Hashable {
        var namespace: CIMNamespace
        var className: String
    }

    /// Where an instance lives in the store: its class (lower-cased) and canonical key string.
    struct Key: Hashable, Sendable {
        fileprivate var classKey: ClassKey
        fileprivate var keyString: String

        init(_ path: CIMObjectPath, in namespace: CIMNamespace) {
            classKey = ClassKey(namespace: namespace, className: path.className.lowercased())
            keyString = InstanceKey.string(for: path.keyBindings)
        }
    }

    private struct Entry {
        var sequence: Int64
        var instance: CIMInstance
    }

    private let database: LabDatabase
    let schema: SchemaRepository
    private let lock = NSLock()
    private var entries: [ClassKey: [String: Entry]] = [:]
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    /// Opens the store over `database`, loading every stored instance.
    public init(database: LabDatabase, schema: SchemaRepository) throws {
        self.database = database
        self.schema = schema
        let rows = try database.read { db in
            try Row.fetchAll(db, sql: "SELECT seq, namespace, classKey, keyString, body FROM instance ORDER BY seq")
        }
        for row in rows {
            let namespaceName: String = row["namespace"]
            let body: String = row["body"]
            guard let namespace = CIMNamespace(namespaceName) else {
                throw CIMStatus.failed("stored instance has a malformed namespace \(namespaceName)")
            }
            let stored = try Self.decode(body)
            let key = ClassKey(namespace: namespace, className: row["classKey"])
            entries[key, default: [:]][row["keyString"]] = Entry(sequence: row["seq"], instance: try stored.instance())
        }
    }

    private static func decode(_ body: String) throws -> StoredInstance {
        do {
            return try JSONDecoder().decode(StoredInstance.self, from: Data(body.utf8))
        } catch {
            throw CIMStatus.failed("stored instance is unreadable: \(error)")
        }
    }

    private static func encode(_ instance: CIMInstance) throws -> String {
        do {
            return String(decoding: try encoder.encode(StoredInstance(instance)), as: UTF8.self)
        } catch {
            throw CIMStatus.failed("instance cannot be encoded: \(error)")
        }
    }

    private func keyNames(of className: String, in namespace: CIMNamespace) throws -> [String] {
        guard schema.class(named: className, in: namespace) != nil else {
            throw CIMStatus.invalidClass(className)
        }
        return schema.keys(of: className, in: namespace)
    }

    // MARK: Direct access

    /// The stored instance at `path` (class as in the path, keys compared as WMI does), or nil.
    public func instance(at path: CIMObjectPath, in namespace: CIMNamespace) -> CIMInstance? {
        instance(at: Key(path, in: namespace))
    }

    private func instance(at key: Key) -> CIMInstance? {
        lock.withLock { entries[key.classKey]?[key.keyString]?.instance }
    }

    /// Stored instances whose class is exactly `className`, oldest first.
    public func instances(of className: String, in namespace: CIMNamespace) -> [CIMInstance] {
        let key = ClassKey(namespace: namespace, className: className.lowercased())
        return lock.withLock {
            (entries[key] ?? [:]).values.sorted { $0.sequence < $1.sequence }.map(\.instance)
        }
    }

    /// Number of stored instances in every namespace.
    public var count: Int { lock.withLock { entries.values.reduce(0) { $0 + $1.count } } }

    /// Stores a new instance; `alreadyExists` when its keys are taken, unless `replacing`.
    @discardableResult
    public func insert(_ instance: CIMInstance, in namespace: CIMNamespace, replacing: Bool = false) throws
        -> CIMObjectPath
    {
        let keys = try keyNames(of: instance.className, in: namespace)
        let keyString = try InstanceKey.string(for: instance, keys: keys)
        let classKey = ClassKey(namespace: namespace, className: instance.className.lowercased())
        let body = try Self.encode(instance)
        try lock.withLock {
            let existing = entries[classKey]?[keyString]
            if existing != nil && !replacing {
                throw CIMStatus.alreadyExists("An instance of \(instance.className) with these keys already exists")
            }
            let sequence = try database.write { db -> Int64 in
                if let existing {
                    try db.execute(
                        sql: "UPDATE instance SET body = ? WHERE seq = ?", arguments: [body, existing.sequence])
                    return existing.sequence
                }
                try db.execute(
                    sql: "INSERT INTO instance (namespace, classKey, keyString, body) VALUES (?, ?, ?, ?)",
                    arguments: [namespace.name, classKey.className, keyString, body])
                return db.lastInsertedRowID
            }
            entries[classKey, default: [:]][keyString] = Entry(sequence: sequence, instance: instance)
        }
        return schema.path(of: instance, in: namespace)
    }

    /// Replaces the properties `changes` carries on the stored instance at `path` (properties it does not carry keep
    /// their values) and returns the result.
    @discardableResult
    public func update(_ changes: CIMInstance, at path: CIMObjectPath, in namespace: CIMNamespace) throws
        -> CIMInstance
    {
        let classKey = ClassKey(namespace: namespace, className: path.className.lowercased())
        let keyString = InstanceKey.string(for: path.keyBindings)
        return try lock.withLock {
            guard let existing = entries[classKey]?[keyString] else {
                throw CIMStatus.notFound("No instance of \(path.className) at \(path)")
            }
            var merged = existing.instance
            for property in changes.properties {
                merged[property.name] = property.value
            }
            let body = try Self.encode(merged)
            try database.write { db in
                try db.execute(sql: "UPDATE instance SET body = ? WHERE seq = ?", arguments: [body, existing.sequence])
            }
            entries[classKey]?[keyString] = Entry(sequence: existing.sequence, instance: merged)
            return merged
        }
    }

    /// Deletes the stored instance at `path`; `notFound` when there is none.
    public func delete(at path: CIMObjectPath, in namespace: CIMNamespace) throws {
        let classKey = ClassKey(namespace: namespace, className: path.className.lowercased())
        let keyString = InstanceKey.string(for: path.keyBindings)
        try lock.withLock {
            guard let existing = entries[classKey]?[keyString] else {
                throw CIMStatus.notFound("No instance of \(path.className) at \(path)")
            }
            try database.write { db in
                try db.execute(sql: "DELETE FROM instance WHERE seq = ?", arguments: [existing.sequence])
            }
            entries[classKey]?[keyString] = nil
        }
    }

    // MARK: InstanceProvider

    public func getInstance(_ path: CIMObjectPath, context: ProviderContext) async throws -> CIMInstance {
        try instance(at: ResolvedInstancePath(path, namespace: context.namespace), context: context)
    }

    public func instance(at resolved: ResolvedInstancePath, context: ProviderContext) throws -> CIMInstance {
        guard let instance = instance(at: resolved.storeKey) else {
            throw CIMStatus.notFound("No instance of \(resolved.path.className) at \(resolved.path)")
        }
        return instance
    }

    public func enumerateInstances(of className: String, context: ProviderContext) async throws -> [CIMInstance] {
        instances(of: className, in: context.namespace)
    }

    public func createInstance(_ instance: CIMInstance, context: ProviderContext) async throws -> CIMObjectPath {
        try insert(instance, in: context.namespace)
    }

    public func modifyInstance(_ instance: CIMInstance, at path: CIMObjectPath, context: ProviderContext)
        async throws -> CIMInstance
    {
        try update(instance, at: path, in: context.namespace)
    }

    public func deleteInstance(_ path: CIMObjectPath, context: ProviderContext) async throws {
        try delete(at: path, in: context.namespace)
    }
}
