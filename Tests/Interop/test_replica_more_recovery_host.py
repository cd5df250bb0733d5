"""Hosts in trouble: the recovery host killed with -9 while replicas flow, a replica disk whose writes fail
(WMILab_Fault Kind 4) — replication catches up by itself once the host is back or the fault gone — and a primary
killed while its initial replication waits for its StartTime."""
import os

from lab import selector_set
from multihost import (FAULT, INTERVAL_WALL, INVALID_STATE, PRIMARY, READY, REPLICA, REPLICATING,
                       lab_fixture, props, replicate, wait_for_digest, wait_until)

HV01, HV02 = "WMILAB-HV01", "WMILAB-HV02"

hosts = lab_fixture(HV01, HV02, recovery_servers=(HV02,))


def test_replication_resumes_after_kill_9_of_the_recovery_host(hosts):
    hv01, hv02 = hosts[HV01].replica, hosts[HV02].replica
    guid = replicate(hv01, hv02, "app01")
    device, replica_device = hv01.disk_device(guid), hv02.disk_device(guid)
    probe = (0, os.urandom(200_000))
    hv01.write(device, *probe)
    wait_for_digest(hv01, device, hv02, replica_device, probes=[probe])
    before = hv02.relationship(guid)

    # Writes keep coming while the recovery host dies, some of them in flight.
    hv01.write(device, 40 * 1024 * 1024, os.urandom(1024 * 1024))
    hosts[HV02].kill()
    while_down = (80 * 1024 * 1024, os.urandom(300_000))
    hv01.write(device, *while_down)
    stats = wait_until(lambda: [s for s in hv01.statistics(guid)
                                if int(s["ReplicationMissCount"] or 0) + int(s["NetworkFailureCount"] or 0) > 0],
                       "the primary to count missed cycles", timeout=10 + 10 * INTERVAL_WALL, step=0.2)
    assert stats[0]["__CLASS"] == "Msvm_ReplicationStatistics"

    hv02 = hosts[HV02].restart().replica
    assert hv02.state(guid) == (REPLICA, REPLICATING)
    after = hv02.relationship(guid)
    assert after["InstanceID"] == before["InstanceID"]
    assert after["LastReplicationTime"], "LastReplicationTime lost on the recovery host"
    assert hv02.disk_device(guid) == replica_device

    after_restart = (120 * 1024 * 1024, os.urandom(100_000))
    hv01.write(device, *after_restart)
    wait_for_digest(hv01, device, hv02, replica_device, probes=[while_down, after_restart], timeout=40)
    hv01.wait_for_state(guid, REPLICATING)
    assert hv01.state(guid) == (PRIMARY, REPLICATING)
    assert hv02.state(guid) == (REPLICA, REPLICATING)


def test_failing_replica_disk_writes_fail_cycles_until_the_fault_is_deleted(hosts):
    hv01, hv02 = hosts[HV01].replica, hosts[HV02].replica
    guid = replicate(hv01, hv02, "db01")
    device, replica_device = hv01.disk_device(guid), hv02.disk_device(guid)

    hv02.create_fault("replica-disk-io", Kind=4, TargetDisk=replica_device)
    try:
        probe = (6 * 1024 * 1024, os.urandom(256 * 1024))
        hv01.write(device, *probe)

        def failing():
            stats = hv01.statistics(guid)[0]
            failed = int(stats["ReplicationFailureCount"] or 0) + int(stats["ReplicationMissCount"] or 0)
            return failed > 0 and int(stats["ReplicationHealth"] or 0) in (2, 3) and stats

        stats = wait_until(failing, "failed cycles and a degraded health", timeout=10 + 10 * INTERVAL_WALL, step=0.2)
        assert int(stats["ReplicationSuccessCount"] or 0) >= 1, stats  # the initial replication still counts
        assert int(hv01.relationship(guid)["ReplicationHealth"]) in (2, 3)
        fault = props(hv02.lab.psrp.get(FAULT, selector_set=selector_set([("FaultID", "replica-disk-io")]))[0])
        assert int(fault["TriggeredCount"] or 0) > 0, fault  # it was the disk write that failed
        assert hv02.read(replica_device, probe[0], len(probe[1])) != probe[1]  # nothing was applied
    finally:
        hv02.delete_fault("replica-disk-io")

    wait_for_digest(hv01, device, hv02, replica_device, probes=[probe])
    hv01.wait_for_state(guid, REPLICATING)
    assert hv01.state(guid) == (PRIMARY, REPLICATING)
    assert hv02.state(guid) == (REPLICA, REPLICATING)


def test_a_scheduled_start_the_primary_died_waiting_for_is_dropped(hosts):
    hv01, hv02 = hosts[HV01].replica, hosts[HV02].replica
    guid = hv01.find_vm("web01")
    # Start-VMInitialReplication -InitialReplicationStartTime tomorrow (lab time), then the host crashes.
    rv, _ = hv01.schedule_initial_replication(guid, HV02)
    assert rv == 4096, rv
    assert hv01.start_replication(guid, kind=1)[0] == INVALID_STATE  # already scheduled
    hosts[HV01].kill()
    hv01 = hosts[HV01].restart().replica

    # The job died with the process, and so did the schedule: the initial replication can be started now.
    assert hv01.state(guid) == (PRIMARY, READY)
    hv01.replicate_initially(guid, hv02)
