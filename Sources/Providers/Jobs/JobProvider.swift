import CIM

/// Serves job classes (`Msvm_ConcreteJob`; the storage job classes the same way) from the `JobQueue`'s store, runs
/// their methods, and serves the association linking jobs to the elements they affect.
///
/// Register it for the job class and for its association (`Msvm_AffectedJobElement`) in the job's namespace. The
/// association instances are stored, so `ASSOCIATORS OF` finds them from either end even without the second
/// registration; with it, only the links of the asked-about element are read.
///
/// Methods (A.12 of the replication model):
/// - `GetError([out] Error)` → 0, and the job's error as an embedded `errorClass` instance; Null while it has none.
///   `GetErrorEx([out] Errors[])` (and CIM's `GetErrors`) → 0 and an array of the same; Null while none.
/// - `RequestStateChange(RequestedState, TimeoutPeriod)`: 4 Terminate / 5 Kill a running job → 4096 (the
///   transition started; the job shows JobState 6 until its work returns, then 8 / 9); a job that has ended → 4097
///   Invalid State Transition; a job started not cancellable → 1 Not Supported (it never will be); 2 Start,
///   3 Suspend, 6 Service → 1 Not Supported; a TimeoutPeriod other than Null or zero → 4098 (CIM: timeouts not
///   supported); RequestedState missing → 5 Invalid Parameter.
/// - Storage jobs: `GetExtendedStatus([out] ExtendedStatus)` like GetError (give this provider
///   `errorClass: "MSFT_StorageExtendedStatus"`), `RequestStateChange` as above. Other methods: `notSupported`.
///
/// Put changes only `TimeBeforeRemoval` (see `modifyInstance`).
public struct JobProvider: InstanceProvider, MethodProvider, AssociationProvider {
    /// The queue whose jobs this serves.
    public let queue: JobQueue
    /// The class of the embedded error instances GetError returns (`Msvm_Error` in root/virtualization/v2).
    public let errorClass: String
    /// `OwningEntity` of the error instances.
    public let owningEntity: String

    public init(
        queue: JobQueue, errorClass: String = "Msvm_Error", owningEntity: String = "Microsoft-Windows-Hyper-V-VMMS"
    ) {
        self.queue = queue
        self.errorClass = errorClass
        self.owningEntity = owningEntity
    }

    // MARK: InstanceProvider

    public func getInstance(_ path: CIMObjectPath, context: ProviderContext) async throws -> CIMInstance {
        guard let instance = storedJob(at: path, context: context) else {
            throw CIMStatus.notFound("No instance of \(path.className) at \(path)")
        }
        return instance
    }

    public func enumerateInstances(of className: String, context: ProviderContext) async throws -> [CIMInstance] {
        queue.store.instances(of: className, in: context.namespace)
    }

    /// WS-Man Put: only `TimeBeforeRemoval` (an interval) can change, as on CIM_ConcreteJob where it is `Write`; a
    /// job that has ended is then removed that long after its end. Any other change is `CIMStatus.notSupported`.
    public func modifyInstance(_ instance: CIMInstance, at path: CIMObjectPath, context: ProviderContext)
        async throws -> CIMInstance
    {
        guard let stored = storedJob(at: path, context: context) else {
            throw CIMStatus.notFound("No instance of \(path.className) at \(path)")
        }
        for property in instance.properties where property.value != stored[property.name] {
            guard property.name.lowercased() == "timebeforeremoval" else {
                throw CIMStatus.notSupported(
                    "Property \(property.name) of \(stored.className) cannot be changed: only TimeBeforeRemoval can")
            }
        }
        guard let seconds = instance["TimeBeforeRemoval"]?.dateTimeValue?.intervalSeconds else {
            throw CIMStatus.invalidParameter("TimeBeforeRemoval", "TimeBeforeRemoval must be an interval")
        }
        let job = context.schema.path(of: stored, in: context.namespace)
        try queue.setTimeBeforeRemoval(seconds, of: job)
        guard let changed = queue.store.instance(at: job, in: context.namespace) else {
            throw CIMStatus.notFound("No instance of \(path.className) at \(path)")
        }
        return changed
    }

    /// The stored instance at `path`, looked for in the path's class and then its subclasses (a job addressed
    /// through `CIM_ConcreteJob` is found in `Msvm_ConcreteJob`).
    private func storedJob(at path: CIMObjectPath, context: ProviderContext) -> CIMInstance? {
        let store = queue.store
        if let instance = store.instance(at: path, in: context.namespace) { return instance }
        for subclass in context.schema.subclasses(of: path.className, in: context.namespace, deep: true) {
            var candidate = path
            candidate.className = subclass
            if let instance = store.instance(at: candidate, in: context.namespace) { return instance }
        }
        return nil
    }

    // MARK: MethodProvider

    public func invokeMethod(
        _ method: String, on target: CIMObjectPath, inParameters: [String: CIMValue?], context: ProviderContext
    ) async throws -> MethodResult {
        let declared = context.schema.method(method, of: target.className, in: context.namespace)
        let outName = declared?.outputParameters.first?.name
        switch method.lowercased() {
        case "geterror", "getextendedstatus":
            let error = try storedJob(at: target, context: context).flatMap { try errorInstance(of: $0, context) }
            return MethodResult(
                returnValue: .uint32(0), outParameters: [(outName ?? "Error", error.map { CIMValue.instance($0) })])
        case "geterrorex", "geterrors":
            let error = try storedJob(at: target, context: context).flatMap { try errorInstance(of: $0, context) }
            let errors = error.map { CIMValue.array([.instance($0)], elementType: .instance($0.className)) }
            return MethodResult(returnValue: .uint32(0), outParameters: [(outName ?? "Errors", errors)])
        case "requeststatechange":
            return MethodResult(returnValue: .uint32(requestStateChange(target, inParameters)))
        default:
            throw CIMStatus.notSupported("Method \(method) of \(target.className) is not supported")
        }
    }

    private func requestStateChange(_ target: CIMObjectPath, _ parameters: [String: CIMValue?]) -> UInt32 {
        func parameter(_ name: String) -> CIMValue? {
            parameters.first { $0.key.lowercased() == name.lowercased() }?.value ?? nil
        }
        guard let requested = parameter("RequestedState")?.uint64Value else { return 5 }
        if let timeout = parameter("TimeoutPeriod"), timeout.dateTimeValue?.intervalSeconds != 0 { return 4098 }
        let kind: JobCancellation
        switch requested {
        case 4: kind = .terminate
        case 5: kind = .kill
        default: return 1
        }
        switch queue.requestCancellation(target, kind) {
        case .accepted: return 4096
        case .refused(.notCancellable): return 1
        case .refused(.finished), .unknownJob: return 4097
        }
    }

    // MARK: AssociationProvider

    public func references(
        of source: CIMObjectPath, associationClass: String, role: String?, context: ProviderContext
    ) async throws -> [CIMInstance] {
        let declared = context.schema.class(named: associationClass, in: context.namespace)
        let roles = declared?.referenceProperties.map(\.name) ?? []
        return queue.store.instances(of: associationClass, in: context.namespace).filter { link in
            roles.contains { name in
                if let role, name.lowercased() != role.lowercased() { return false }
                guard let target = ObjectManager.reference(in: link, property: name) else { return false }
                return ObjectManager.sameInstance(
                    target, source, schema: context.schema, namespace: context.namespace)
            }
        }
    }
}
