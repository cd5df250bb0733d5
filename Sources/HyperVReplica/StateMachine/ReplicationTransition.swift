/// The outcome of an accepted event: the next state, what to do, and the job to report.
public struct ReplicationTransition: Sendable, Hashable {
    /// The state machine after the event.
    public var next: ReplicationStateMachine
    /// The relationship the event acted on.
    public var relationship: ReplicationRelationshipSide
    /// The work to perform, in order.
    public var actions: [ReplicationAction]
    /// The `JobType` of the job the method returns; `nil` for engine events.
    public var jobType: JobType?

    /// The return code of the method: 4096 when it started a job, 0 otherwise.
    public var returnCode: MsvmReturnCode { jobType == nil ? .completed : .jobStarted }

    public init(
        next: ReplicationStateMachine,
        relationship: ReplicationRelationshipSide,
        actions: [ReplicationAction],
        jobType: JobType?
    ) {
        self.next = next
        self.relationship = relationship
        self.actions = actions
        self.jobType = jobType
    }
}
