import CIM

/// What a job is about; fixed when it starts.
public struct JobDescription: Sendable {
    /// The namespace the job instance lives in, e.g. `root/virtualization/v2`.
    public var namespace: CIMNamespace
    /// The job class, e.g. `Msvm_ConcreteJob`: any class of the namespace with a `JobState` property and one string
    /// key (every `CIM_ConcreteJob` subclass, `MSFT_StorageJob`).
    public var className: String
    /// The Msvm `JobType`, stored when the class declares `JobType`.
    public var jobType: UInt16?
    /// What the job does, e.g. "Start Replication": `Name`, `Caption`, `ElementName` and `Description` carry it.
    public var caption: String
    /// The elements the job affects (the virtual machine …), linked to the job by the namespace's
    /// `CIM_AffectedJobElement`-like association for as long as the job exists.
    public var affectedElements: [CIMObjectPath]
    /// Whether a client may terminate or kill the job (`Cancellable`, `RequestStateChange(4/5)`).
    public var cancellable: Bool

    public init(
        namespace: CIMNamespace, className: String, jobType: UInt16?, caption: String,
        affectedElements: [CIMObjectPath] = [], cancellable: Bool = true
    ) {
        self.namespace = namespace
        self.className = className
        self.jobType = jobType
        self.caption = caption
        self.affectedElements = affectedElements
        self.cancellable = cancellable
    }
}
