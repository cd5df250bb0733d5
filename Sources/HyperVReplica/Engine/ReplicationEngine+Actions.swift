import BlockStore
import Foundation
import Providers

/// Performing a transition's actions inside its job.
extension ReplicationEngine {
    func perform(
        _ actions: [ReplicationAction], on vmName: String, side: ReplicationRelationshipSide,
        point: RecoveryPointRecord?, progress: JobProgress
    ) async throws {
        for action in actions {
            switch action {
            case .startInitialReplication(let type, let location):
                try await transfer(vmName, side) {
                    try await self.initialReplication(vmName, side: side, type: type, exportLocation: location,
                                                      progress: progress)
                }
            case .scheduleAt(let date):
                try await waitForScheduledStart(vmName, side, at: date)
                let transition = try commit(.scheduledStartReached(side), to: vmName)
                try await perform(transition.actions, on: vmName, side: side, point: point, progress: progress)
            case .cancelScheduledStart, .cancelInitialReplication, .cancelResynchronization:
                transfers[Self.cycleKey(vmName, side)]?.cancel()
            case .importInitialReplica(let location):
                try await importInitialReplica(vmName, from: location, progress: progress)
            case .shipPendingDeltas:
                let planned = record(vmName)?.machine.relationship(side)?.state == .syncedReplicationComplete
                try await deltaCycle(vmName, side, kind: planned ? .plannedFailover : nil, failJob: true)
            case .startResynchronization:
                try await transfer(vmName, side) {
                    try await self.resynchronization(vmName, side: side, progress: progress)
                }
            case .startFailover:
                try await failover(vmName, to: point, progress: progress)
            case .discardFailoverDisk:
                try await discardFailover(vmName)
            case .flattenRecoveryPoints:
                try await flattenRecoveryPoints(vmName)
            case .removeRelationship:
                try await removeRelationship(vmName, side)
            case .promoteExtendedRelationship:
                try update(vmName) { record in
                    record.links = [record[link: .extended], nil]
                }
            case .resetStatistics:
                let now = clock.now()
                try update(vmName) { $0[link: side]?.statistics = ReplicationStatisticsWindow(start: now) }
            case .createRelationship, .createReplicaOnRecoveryHost, .applySettings, .prepareAsReplica,
                .suspendReplication, .resumeReplication, .cancelPreparedFailover, .reverseReplication, .becomeReplica,
                .createTestSystem, .destroyTestSystem, .startFailback, .recordLastReplication, .notifyPeer:
                // Done where the event is committed (the record's change) or by the caller that knows the
                // peer; suspension and resumption take effect through the state the delta loop reads.
                continue
            }
        }
    }

    /// Waits until the lab clock reaches `date` while the relationship's start stays scheduled. Ends the job
    /// (JobState 10) as soon as the schedule is dropped (Stop-VMInitialReplication, a resume from state 9) or the
    /// job is cancelled, which drops the schedule too, so StartReplication / Resynchronize can be called again.
    func waitForScheduledStart(_ vmName: String, _ side: ReplicationRelationshipSide, at date: Date) async throws {
        let cancelled = JobFailure(errorCode: UInt16(MsvmReturnCode.failed.rawValue),
                                   errorDescription: "The scheduled start of \(vmName) was cancelled.")
        // Checked at least every quarter of a wall second; the wait is a transfer, so a cancel action ends it.
        let slice = max(1, clock.timeScale / 4)
        do {
            while case let remaining = date.timeIntervalSince(clock.now()), remaining > 0 {
                guard let status = record(vmName)?.machine.relationship(side), status.scheduled != nil else {
                    throw cancelled
                }
                try await transfer(vmName, side) { try await self.clock.sleep(seconds: min(remaining, slice)) }
            }
        } catch is CancellationError {
            if let status = record(vmName)?.machine.relationship(side), status.scheduled != nil {
                let job: JobType = status.state == .readyForReplication ? .startInbandInitialReplication
                    : .resynchronizing
                _ = try? commit(.jobCancelled(job, side), to: vmName)
            }
            throw cancelled
        }
    }

    /// Runs a long transfer as a task that a state change (stop initial replication, cancel resync) can cancel.
    func transfer(
        _ vmName: String, _ side: ReplicationRelationshipSide, _ work: @escaping @Sendable () async throws -> Void
    )
        async throws
    {
        let key = Self.cycleKey(vmName, side)
        let task = Task { try await work() }
        transfers[key] = task
        defer { if transfers[key] == task { transfers[key] = nil } }
        try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }

    static func cycleKey(_ vmName: String, _ side: ReplicationRelationshipSide) -> String {
        vmName.lowercased() + side.instanceIDSuffix
    }
}
