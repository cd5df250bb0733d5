/// A qualifier flavor keyword (DSP0004 §5.6.1), as written in MOF.
public enum CIMFlavor: String, Hashable, Sendable, CaseIterable {
    case toSubclass = "ToSubclass"
    case restricted = "Restricted"
    case enableOverride = "EnableOverride"
    case disableOverride = "DisableOverride"
    case translatable = "Translatable"
    case toInstance = "ToInstance"
    case amended = "Amended"
    case notToInstance = "NotToInstance"
    case notToSubclass = "NotToSubclass"

    /// Parses a flavor keyword case-insensitively.
    public init?(keyword: String) {
        guard let f = CIMFlavor.allCases.first(where: { $0.rawValue.lowercased() == keyword.lowercased() }) else {
            return nil
        }
        self = f
    }
}

/// The effective flavors of a qualifier: how it propagates and whether it may be overridden.
public struct CIMFlavors: Hashable, Sendable {
    /// Propagates to subclasses and overriding members (ToSubclass); false is Restricted.
    public var toSubclass: Bool
    /// May be overridden in subclasses (EnableOverride); false is DisableOverride.
    public var overridable: Bool
    /// The value may be localized (Translatable).
    public var translatable: Bool
    /// Propagates to instances (ToInstance, WMI).
    public var toInstance: Bool
    /// Lives in an amendment (Amended, WMI).
    public var amended: Bool

    /// The DSP0004 defaults: EnableOverride, ToSubclass.
    public static let `default` = CIMFlavors()

    public init(
        toSubclass: Bool = true, overridable: Bool = true, translatable: Bool = false, toInstance: Bool = false,
        amended: Bool = false
    ) {
        self.toSubclass = toSubclass
        self.overridable = overridable
        self.translatable = translatable
        self.toInstance = toInstance
        self.amended = amended
    }

    /// These flavors with `flavors` applied in order.
    public func applying(_ flavors: [CIMFlavor]) -> CIMFlavors {
        var out = self
        for f in flavors {
            switch f {
            case .toSubclass: out.toSubclass = true
            case .restricted, .notToSubclass: out.toSubclass = false
            case .enableOverride: out.overridable = true
            case .disableOverride: out.overridable = false
            case .translatable: out.translatable = true
            case .toInstance: out.toInstance = true
            case .notToInstance: out.toInstance = false
            case .amended: out.amended = true
            }
        }
        return out
    }

    /// The keywords that express these flavors fully (for printing back as MOF).
    public var keywords: [CIMFlavor] {
        var out: [CIMFlavor] = [
            overridable ? .enableOverride : .disableOverride, toSubclass ? .toSubclass : .restricted,
        ]
        if translatable { out.append(.translatable) }
        if toInstance { out.append(.toInstance) }
        if amended { out.append(.amended) }
        return out
    }
}

/// Where a qualifier may appear (DSP0004 `Scope(…)`).
public struct CIMScope: OptionSet, Hashable, Sendable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let `class` = CIMScope(rawValue: 1 << 0)
    public static let association = CIMScope(rawValue: 1 << 1)
    public static let indication = CIMScope(rawValue: 1 << 2)
    public static let property = CIMScope(rawValue: 1 << 3)
    public static let reference = CIMScope(rawValue: 1 << 4)
    public static let method = CIMScope(rawValue: 1 << 5)
    public static let parameter = CIMScope(rawValue: 1 << 6)
    public static let qualifier = CIMScope(rawValue: 1 << 7)
    public static let any: CIMScope = [.class, .association, .indication, .property, .reference, .method, .parameter]

    private static let names: [(String, CIMScope)] = [
        ("class", .class), ("association", .association), ("indication", .indication), ("property", .property),
        ("reference", .reference), ("method", .method), ("parameter", .parameter), ("qualifier", .qualifier),
    ]

    /// Parses a scope keyword case-insensitively (`class`, `property`, …, `any`).
    public init?(keyword: String) {
        let k = keyword.lowercased()
        if k == "any" {
            self = .any
            return
        }
        guard let hit = Self.names.first(where: { $0.0 == k }) else { return nil }
        self = hit.1
    }

    /// The MOF keywords for this scope set (`any` when it covers every element kind).
    public var keywords: [String] {
        if self.isSuperset(of: .any) { return ["any"] }
        return Self.names.filter { contains($0.1) }.map(\.0)
    }
}
