import CIM
import Foundation
import GRDB

/// Seeds a data directory's `InstanceStore` from lab MOF instance declarations, once: a restart on the same data
/// directory keeps every change made since and does not reseed.
///
/// Inside any string value (also in arrays, embedded instances and the host and keys of references) `{{host}}`
/// becomes the configured host name and `{{uuid:NAME}}` a fresh upper-case UUID per NAME, the same everywhere in the
/// lab, remembered in the database so later loads of the same directory reuse it.
public struct LabLoader: Sendable {
    /// The host name `{{host}}` stands for.
    public var hostName: String

    public init(hostName: String) {
        self.hostName = hostName
    }

    /// Seeds `store` with `instances` unless this data directory was seeded before; returns true when it seeded.
    /// A start that died half-way through seeding seeds again from the beginning (instances are replaced).
    @discardableResult
    public func seed(
        _ instances: [(namespace: CIMNamespace, instance: CIMInstance)], into store: InstanceStore,
        database: LabDatabase
    ) throws -> Bool {
        let seeded = try database.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM labState WHERE name = 'seeded'")
        }
        if seeded != nil { return false }
        var tokens = try uuidTokens(in: database)
        let known = Set(tokens.keys)
        let substituted = instances.map { entry in
            (entry.namespace, substitute(entry.instance, tokens: &tokens))
        }
        try database.write { db in
            for (name, value) in tokens where !known.contains(name) {
                try db.execute(sql: "INSERT INTO labToken (name, value) VALUES (?, ?)", arguments: [name, value])
            }
        }
        for (namespace, instance) in substituted {
            try store.insert(instance, in: namespace, replacing: true)
        }
        try database.write { db in
            try db.execute(sql: "INSERT INTO labState (name, value) VALUES ('seeded', '1')")
        }
        return true
    }

    /// The `{{uuid:NAME}}` values this data directory has handed out, by NAME.
    public func uuidTokens(in database: LabDatabase) throws -> [String: String] {
        let rows = try database.read { db in try Row.fetchAll(db, sql: "SELECT name, value FROM labToken") }
        return Dictionary(rows.map { ($0["name"] as String, $0["value"] as String) }, uniquingKeysWith: { a, _ in a })
    }

    func substitute(_ instance: CIMInstance, tokens: inout [String: String]) -> CIMInstance {
        var result = instance
        for property in instance.properties {
            if let value = property.value {
                result[property.name] = substitute(value, tokens: &tokens)
            }
        }
        return result
    }

    func substitute(_ value: CIMValue, tokens: inout [String: String]) -> CIMValue {
        switch value {
        case .string(let text):
            return .string(substitute(text, tokens: &tokens))
        case .array(let elements, let elementType):
            return .array(elements.map { substitute($0, tokens: &tokens) }, elementType: elementType)
        case .instance(let embedded):
            return .instance(substitute(embedded, tokens: &tokens))
        case .reference(var path):
            path.host = path.host.map { substitute($0, tokens: &tokens) }
            path.keyBindings = path.keyBindings.map {
                CIMKeyBinding(name: $0.name, value: substitute($0.value, tokens: &tokens))
            }
            return .reference(path)
        default:
            return value
        }
    }

    func substitute(_ text: String, tokens: inout [String: String]) -> String {
        guard text.contains("{{") else { return text }
        var output = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            output += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                rest = rest[open.lowerBound...]
                break
            }
            let token = rest[open.upperBound..<close.lowerBound]
            if token == "host" {
                output += hostName
            } else if token.hasPrefix("uuid:") {
                let name = String(token.dropFirst(5))
                if let value = tokens[name] {
                    output += value
                } else {
                    let value = UUID().uuidString
                    tokens[name] = value
                    output += value
                }
            } else {
                output += rest[open.lowerBound..<close.upperBound]
            }
            rest = rest[close.upperBound...]
        }
        return output + rest
    }
}
