"""Replication over time: an initial replication scheduled a few lab minutes ahead (Start-VMInitialReplication
-InitialReplicationStartTime), and a relationship suspended, resumed and resynchronized (Suspend-VMReplication,
Resume-VMReplication, Resume-VMReplication -Resynchronize)."""
import datetime
import os
import time

from lab import RS
from multihost import (INTERVAL_WALL, PRIMARY, READY, REPLICA, REPLICATING, TIME_SCALE, WAITING_IR,
                       cim_datetime_element, digests, lab_fixture, lab_time, props, replicate, wait_for_digest)

HV01, HV02 = "WMILAB-HV01", "WMILAB-HV02"
SUSPENDED, WAITING_TO_RESYNCHRONIZE, RESYNCHRONIZING = 7, 9, 10


def cim_to_iso(text):
    """A CIM datetime (yyyymmddHHMMSS.mmmmmm+UUU, as CIM-XML carries it) → xs:dateTime."""
    minutes = int(text[21:25])
    sign = "+" if minutes >= 0 else "-"
    return "%s-%s-%sT%s:%s:%s.%s%s%02d:%02d" % (text[0:4], text[4:6], text[6:8], text[8:10], text[10:12],
                                                 text[12:14], text[15:21], sign, abs(minutes) // 60,
                                                 abs(minutes) % 60)

hosts = lab_fixture(HV01, HV02, recovery_servers=(HV02,))


def test_an_initial_replication_scheduled_ahead_waits_for_its_start_time(hosts):
    hv01, hv02 = hosts[HV01].replica, hosts[HV02].replica
    guid = hv01.find_vm("web01")
    job = hv01.enable_replication(guid, HV02)
    assert job["JobState"] == "7", job
    # Lab time runs TIME_SCALE times faster than the wall: the job's last change plus the wall time since.
    read_at = time.time()
    lab_now = lab_time(job["TimeOfLastStateChange"])
    start = lab_now + datetime.timedelta(seconds=(time.time() - read_at) * TIME_SCALE + 4 * 60)
    wall_start = read_at + (start - lab_now).total_seconds() / TIME_SCALE

    rv, out = hv01.start_replication(guid, kind=1, start_time=start)
    assert rv == 4096, rv
    job_epr = out.find("{%s}Job" % RS)
    # Until the start time the relationship stays ready, the job runs, and nothing has reached the replica.
    while time.time() < wall_start - 1.0:
        assert hv01.state(guid) == (PRIMARY, READY)
        assert hv02.state(guid) == (REPLICA, WAITING_IR)
        assert int(hv01.job(job_epr)["JobState"]) == 4
        time.sleep(0.3)
    # Then it replicates.
    job = hv01.wait_job(out)
    assert job["JobState"] == "7", job
    assert time.time() >= wall_start - 0.5, "the initial replication started before its StartTime"
    hv01.wait_for_state(guid, REPLICATING)
    hv02.wait_for_state(guid, REPLICATING)
    device = hv01.disk_device(guid)
    primary_digest, replica_digest = digests((hv01, device), (hv02, hv02.disk_device(guid)))
    assert replica_digest == primary_digest


def test_suspend_stops_deltas_resume_sends_them_and_resynchronize_converges(hosts):
    hv01, hv02 = hosts[HV01].replica, hosts[HV02].replica
    guid = replicate(hv01, hv02, "db01")
    device, replica_device = hv01.disk_device(guid), hv02.disk_device(guid)
    first = (1024 * 1024, os.urandom(100_000))
    hv01.write(device, *first)
    wait_for_digest(hv01, device, hv02, replica_device, probes=[first])

    # Suspend-VMReplication on the primary: writes stay there.
    assert hv01.request_replication_state_change(guid, SUSPENDED) == 0
    assert hv01.state(guid) == (PRIMARY, SUSPENDED)
    replica_before = hv02.digest(replica_device)
    held = (9 * 1024 * 1024, os.urandom(150_000))
    hv01.write(device, *held)
    time.sleep(6 * INTERVAL_WALL)  # six replication intervals
    assert hv02.digest(replica_device) == replica_before
    assert hv01.state(guid) == (PRIMARY, SUSPENDED)

    # Resume-VMReplication: the held write goes through.
    assert hv01.request_replication_state_change(guid, REPLICATING) == 0
    assert hv01.state(guid) == (PRIMARY, REPLICATING)
    wait_for_digest(hv01, device, hv02, replica_device, probes=[held])

    # Suspended again, then Resume-VMReplication -Resynchronize: 10 while it compares, 3 after.
    assert hv01.request_replication_state_change(guid, SUSPENDED) == 0
    resync = (30 * 1024 * 1024, os.urandom(200_000))
    hv01.write(device, *resync)
    rv, out = hv01.service("Resynchronize", ("ComputerSystem", hv01.vm_epr(guid)), ("StartTime", None))
    assert rv == 4096, rv
    job_epr = out.find("{%s}Job" % RS)
    seen = []  # the primary's ReplicationState, each read while the resynchronization job still ran
    while True:
        state = hv01.state(guid)[1]
        job = hv01.job(job_epr)
        if int(job["JobState"]) not in (2, 3, 4):
            break
        seen.append(state)
        time.sleep(0.05)
    assert seen and set(seen) == {RESYNCHRONIZING}, seen
    assert job["JobState"] == "7", job
    assert int(job["JobType"]) == 107, job  # Resynchronizing
    hv01.wait_for_state(guid, REPLICATING)
    hv02.wait_for_state(guid, REPLICATING)
    primary_digest, replica_digest = digests((hv01, device), (hv02, replica_device))
    assert replica_digest == primary_digest
    assert hv02.read(replica_device, resync[0], len(resync[1])) == resync[1]
    assert hv02.state(guid) == (REPLICA, REPLICATING)


def test_stopping_a_scheduled_initial_replication_ends_its_job_at_once(hosts):
    hv01, hv02 = hosts[HV01].replica, hosts[HV02].replica
    guid = hv01.find_vm("app01")
    rv, out = hv01.schedule_initial_replication(guid, HV02)
    assert rv == 4096, rv
    scheduled = out.find("{%s}Job" % RS)
    assert int(hv01.job(scheduled)["JobState"]) == 4
    rv, _ = hv01.start_replication(guid, kind=1)
    assert rv == 32775  # already scheduled

    # Stop-VMInitialReplication: the relationship is ready again and the waiting job ends, failed, with a reason.
    assert hv01.request_replication_state_change(guid, READY) == 0
    assert hv01.state(guid) == (PRIMARY, READY)
    job = props(hv01.lab.wait_for_job(scheduled, timeout=10))
    assert int(job["JobState"]) == 10, job
    assert job.get("ErrorDescription"), job

    # And it can be started now.
    hv01.replicate_initially(guid, hv02)


def test_resuming_drops_a_scheduled_resynchronization_and_ends_its_job(hosts):
    hv01, hv02 = hosts[HV01].replica, hosts[HV02].replica
    guid = hv01.find_vm("db01")  # replicating since the suspend test
    hv01.wait_for_state(guid, REPLICATING)
    assert hv01.request_replication_state_change(guid, SUSPENDED) == 0
    stats = hv01.statistics(guid)[0]  # EndStatisticTime: the host's lab time now
    tomorrow = lab_time(cim_to_iso(stats["EndStatisticTime"])) + datetime.timedelta(days=1)
    rv, out = hv01.service("Resynchronize", ("ComputerSystem", hv01.vm_epr(guid)),
                           ("StartTime", cim_datetime_element(tomorrow)))
    assert rv == 4096, rv
    assert hv01.state(guid) == (PRIMARY, WAITING_TO_RESYNCHRONIZE)
    scheduled = out.find("{%s}Job" % RS)
    assert int(hv01.job(scheduled)["JobState"]) == 4

    # Resume-VMReplication from state 9: replicating again, and the resynchronization will not run.
    assert hv01.request_replication_state_change(guid, REPLICATING) == 0
    assert hv01.state(guid) == (PRIMARY, REPLICATING)
    job = props(hv01.lab.wait_for_job(scheduled, timeout=10))
    assert int(job["JobState"]) == 10, job
    assert job.get("ErrorDescription"), job
    probe = (70 * 1024 * 1024, os.urandom(64 * 1024))
    hv01.write(hv01.disk_device(guid), *probe)
    wait_for_digest(hv01, hv01.disk_device(guid), hv02, hv02.disk_device(guid), probes=[probe])
