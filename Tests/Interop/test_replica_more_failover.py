"""Undoing replication: a failover reverted on the recovery host (Stop-VMFailover), a relationship removed on
both sides (Remove-VMReplication), then enabled again with the old replica adopted (Set-VMReplication -AsReplica),
and the job of a scheduled initial replication terminated."""
import os

from lab import NS, RS, selectors_of
from multihost import (PRIMARY, READY, RECOVERED, REPLICA, REPLICATING, WAITING_IR, digests,
                       lab_fixture, props, replicate, wait_for_digest)

HV01, HV02 = "WMILAB-HV01", "WMILAB-HV02"

hosts = lab_fixture(HV01, HV02, recovery_servers=(HV02,))


def replicated(hosts, vm_name):
    """The VM replicating HV01 → HV02 with a write through: (GUID, primary device, replica device)."""
    hv01, hv02 = hosts[HV01].replica, hosts[HV02].replica
    guid = replicate(hv01, hv02, vm_name)
    device, replica_device = hv01.disk_device(guid), hv02.disk_device(guid)
    probe = (3 * 1024 * 1024, os.urandom(128 * 1024))
    hv01.write(device, *probe)
    wait_for_digest(hv01, device, hv02, replica_device, probes=[probe])
    return guid, device, replica_device


def test_revert_failover_returns_the_replica_to_replicating_and_writes_flow_again(hosts):
    hv01, hv02 = hosts[HV01].replica, hosts[HV02].replica
    guid, device, replica_device = replicated(hosts, "app01")

    # Start-VMFailover on the recovery host (latest point), then Stop-VMFailover.
    job = hv02.service_ok("InitiateFailover", ("ComputerSystem", hv02.vm_epr(guid)), ("SnapshotSettingData", None))
    assert int(job["ErrorCode"] or 0) == 0, job
    assert hv02.state(guid) == (REPLICA, RECOVERED)
    assert int(hv02.relationship(guid)["FailedOverReplicationType"] or 0) != 0

    job = hv02.service_ok("RevertFailover", ("ComputerSystem", hv02.vm_epr(guid)))
    assert int(job["JobType"]) == 98, job  # Revert Failover
    assert hv02.state(guid) == (REPLICA, REPLICATING)
    assert int(hv02.relationship(guid)["FailedOverReplicationType"] or 0) == 0

    # Replication goes on: a later write on the primary reaches the replica.
    later = (11 * 1024 * 1024, os.urandom(200_000))
    hv01.write(device, *later)
    wait_for_digest(hv01, device, hv02, replica_device, probes=[later])
    hv01.wait_for_state(guid, REPLICATING)
    assert hv01.state(guid) == (PRIMARY, REPLICATING)
    assert hv02.state(guid) == (REPLICA, REPLICATING)

    # A second RevertFailover has nothing to revert.
    rv, _ = hv02.service("RevertFailover", ("ComputerSystem", hv02.vm_epr(guid)))
    assert rv == 32775


def test_remove_replication_on_both_sides_then_enable_again(hosts):
    hv01, hv02 = hosts[HV01].replica, hosts[HV02].replica
    guid, device, replica_device = replicated(hosts, "db01")

    job = hv01.remove_replication(guid)
    assert job["JobState"] == "7", job
    assert int(job["JobType"]) == 93, job  # Remove Replication Relationship
    assert hv01.state(guid) == (0, 0)
    assert hv01.relationships(guid) == {}
    # The other side is untouched until it is removed there too (Remove-VMReplication runs on both).
    assert hv02.state(guid)[0] == REPLICA

    job = hv02.remove_replication(guid)
    assert job["JobState"] == "7", job
    assert hv02.state(guid) == (0, 0)
    assert hv02.relationships(guid) == {}
    replica_vm = hv02.vm(guid)
    assert replica_vm is not None and replica_vm["ElementName"] == "db01", "the replica VM stays"
    assert hv02.disk_device(guid) == replica_device

    # Nothing replicates any more: a new write stays on the primary.
    gone = (20 * 1024 * 1024, os.urandom(64 * 1024))
    hv01.write(device, *gone)
    rv, _ = hv01.service("GetReplicationStatistics", ("ComputerSystem", hv01.vm_epr(guid)))
    assert rv == 32775

    # Enable again: the old replica is adopted as the replica (Set-VMReplication -AsReplica), then seeded.
    assert hv02.request_replication_state_change(guid, 2) == 0
    assert hv02.state(guid) == (REPLICA, WAITING_IR)
    job = hv01.enable_replication(guid, HV02)
    assert job["JobState"] == "7", job
    assert hv01.state(guid)[0] == PRIMARY
    rv, out = hv01.start_replication(guid, kind=3)
    assert rv == 4096
    assert hv01.wait_job(out)["JobState"] == "7"
    hv01.wait_for_state(guid, REPLICATING)
    hv02.wait_for_state(guid, REPLICATING)
    primary_digest, replica_digest = digests((hv01, device), (hv02, replica_device))
    assert replica_digest == primary_digest
    assert hv02.read(replica_device, gone[0], len(gone[1])) == gone[1]


def test_terminating_a_scheduled_start_job_drops_the_schedule(hosts):
    hv01, hv02 = hosts[HV01].replica, hosts[HV02].replica
    guid = hv01.find_vm("web01")
    rv, out = hv01.schedule_initial_replication(guid, HV02)
    assert rv == 4096, rv
    scheduled = out.find("{%s}Job" % RS)

    # The CIM job itself stopped (Msvm_ConcreteJob.RequestStateChange(4 Terminate)): it ends, and so does the
    # schedule it waited for.
    uri = scheduled.find(".//{%s}ResourceURI" % NS["w"]).text
    keys = [(k, v) for k, v in selectors_of(scheduled).items() if k != "__cimnamespace"]
    answer = hv01.invoke(uri, "RequestStateChange", keys, [("RequestedState", 4)])
    assert answer.find("{%s}ReturnValue" % uri).text in ("0", "4096")
    job = props(hv01.lab.wait_for_job(scheduled, timeout=10))
    assert int(job["JobState"]) in (8, 10), job
    assert hv01.state(guid) == (PRIMARY, READY)
    hv01.replicate_initially(guid, hv02)


def test_revert_failover_on_a_prepared_primary_cancels_the_planned_failover(hosts):
    hv01, hv02 = hosts[HV01].replica, hosts[HV02].replica
    guid = hv01.find_vm("app01")  # replicating since the first test
    hv01.wait_for_state(guid, REPLICATING)
    # Start-VMFailover -Prepare, then Stop-VMFailover on the primary.
    assert hv01.vm_request_state_change(guid, 3) == 0
    assert hv01.request_replication_state_change(guid, 4) == 0
    assert hv01.state(guid) == (PRIMARY, 4)
    job = hv01.service_ok("RevertFailover", ("ComputerSystem", hv01.vm_epr(guid)))
    assert int(job["JobType"]) in (98, 101), job
    assert hv01.state(guid) == (PRIMARY, REPLICATING)
    assert hv02.state(guid) == (REPLICA, REPLICATING)
    device = hv01.disk_device(guid)
    probe = (13 * 1024 * 1024, os.urandom(100_000))
    hv01.write(device, *probe)
    wait_for_digest(hv01, device, hv02, hv02.disk_device(guid), probes=[probe])
