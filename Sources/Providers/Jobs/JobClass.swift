import CIM

/// What the schema says about one job class: its key, the properties it declares, and the association that links
/// its jobs to the elements they affect. Job instances carry only the properties their class declares.
struct JobClass: Sendable {
    /// The association linking a job to an affected element, and the reference properties of each end.
    struct AffectedElementAssociation: Sendable, Hashable {
        var className: String
        var jobRole: String
        var elementRole: String
        /// Whether the association declares `ElementEffects` (CIM_AffectedJobElement and subclasses).
        var hasElementEffects: Bool
    }

    let namespace: CIMNamespace
    let cimClass: CIMClass
    /// The string key properties, all set to the job's identifier (`InstanceID`; `ObjectId` for storage jobs).
    let keyNames: [String]
    let association: AffectedElementAssociation?

    var name: String { cimClass.name }

    /// The facts for `className` in `namespace`; `invalidNamespace` / `invalidClass` when the schema has no such
    /// namespace or job class.
    init(_ className: String, in namespace: CIMNamespace, schema: SchemaRepository) throws {
        guard schema.namespaces.contains(namespace) else { throw CIMStatus.invalidNamespace(namespace.name) }
        guard let cls = schema.class(named: className, in: namespace) else {
            throw CIMStatus.invalidClass(className)
        }
        guard Self.isJobClass(cls) else {
            throw CIMStatus(
                .invalidClass, "\(cls.name) is not a job class: it must be concrete, with JobState and string keys")
        }
        self.namespace = namespace
        self.cimClass = cls
        self.keyNames = cls.keyPropertyNames
        self.association = Self.association(for: cls, in: namespace, schema: schema)
    }

    /// Whether `cls` is a class the queue can keep jobs of: concrete, with `JobState` and string keys only.
    static func isJobClass(_ cls: CIMClass) -> Bool {
        let keys = cls.properties.filter(\.isKey)
        return !cls.isAbstract && cls.property(named: "JobState") != nil && !keys.isEmpty
            && keys.allSatisfy { !$0.dataType.isArray && $0.dataType.scalar == .string }
    }

    /// An instance of the class holding those of `values` the class declares, in their declared types.
    func instance(_ values: [(String, CIMValue?)]) -> CIMInstance {
        cimClass.instance(declaring: values)
    }

    /// The job's identifier as a path names it: the value of its first key, uppercased; nil when it has none.
    static func identifier(of path: CIMObjectPath) -> String? {
        guard let value = path.keyBindings.first?.value.stringValue else { return nil }
        return value.uppercased()
    }

    /// The association of `namespace` that links this job class to affected elements: a concrete association with
    /// two references, one of which accepts the job class. `CIM_AffectedJobElement` subclasses win; among several,
    /// the one whose job reference is the most specific.
    private static func association(
        for cls: CIMClass, in namespace: CIMNamespace, schema: SchemaRepository
    ) -> AffectedElementAssociation? {
        var best: (association: AffectedElementAssociation, score: Int)?
        for candidate in schema.classes(in: namespace) where candidate.isAssociation && !candidate.isAbstract {
            let references = candidate.referenceProperties
            guard references.count == 2 else { continue }
            for (index, reference) in references.enumerated() {
                guard let target = reference.referenceClass, schema.isSubclass(cls.name, of: target, in: namespace)
                else { continue }
                let other = references[1 - index]
                var score = schema.superclassChain(of: target, in: namespace).count
                if schema.isSubclass(candidate.name, of: "CIM_AffectedJobElement", in: namespace) { score += 1000 }
                if let current = best, current.score >= score { continue }
                best = (
                    AffectedElementAssociation(
                        className: candidate.name, jobRole: reference.name, elementRole: other.name,
                        hasElementEffects: candidate.property(named: "ElementEffects") != nil),
                    score
                )
            }
        }
        return best?.association
    }
}
