"""The replication link: a dropped link to the recovery host degrades health and counts misses, and
replication catches up by itself once the link is back; a host with another secret is refused."""
import os

from multihost import (INTERVAL_WALL, PRIMARY, REPLICA, REPLICATING, SECRET_ARGS, lab_fixture, other_secret_args,
                       replicate, running_lab, wait_for_digest, wait_until)

HV01, HV02 = "WMILAB-HV01", "WMILAB-HV02"

hosts = lab_fixture(HV01, HV02, recovery_servers=(HV02,))


def test_a_cut_link_degrades_health_and_replication_resumes_when_it_heals(hosts):
    hv01, hv02 = hosts[HV01].replica, hosts[HV02].replica
    guid = replicate(hv01, hv02, "app01")
    device, replica_device = hv01.disk_device(guid), hv02.disk_device(guid)

    hv01.create_fault("cut-hv02", Kind=3, TargetPeer=HV02)
    try:
        probe = (2 * 1024 * 1024, os.urandom(256 * 1024))
        hv01.write(device, *probe)
        rel = wait_until(lambda: (r := hv01.relationship(guid)) and int(r["ReplicationHealth"] or 0) in (2, 3) and r,
                         "the primary relationship's health to degrade", timeout=15 + 10 * INTERVAL_WALL, step=0.2)
        assert int(rel["ReplicationHealth"]) in (2, 3)
        stats = hv01.statistics(guid)[0]
        assert int(stats["ReplicationMissCount"] or 0) > 0 or int(stats["NetworkFailureCount"] or 0) > 0, stats
        assert hv02.read(replica_device, probe[0], len(probe[1])) != probe[1]  # nothing got through
    finally:
        hv01.delete_fault("cut-hv02")

    wait_for_digest(hv01, device, hv02, replica_device, probes=[probe])
    hv01.wait_for_state(guid, REPLICATING)
    assert hv01.state(guid) == (PRIMARY, REPLICATING)
    assert hv02.state(guid) == (REPLICA, REPLICATING)


def test_a_recovery_host_with_another_secret_refuses_the_relationship():
    other = other_secret_args("not-the-lab-secret")
    assert other != SECRET_ARGS
    with running_lab(HV01, HV02, secrets={HV02: other}) as lab:
        hv01, hv02 = lab[HV01].replica, lab[HV02].replica
        hv02.enable_recovery_server()
        guid = hv01.find_vm("db01")
        job = hv01.enable_replication(guid, HV02)
        assert int(job["JobState"]) == 10, job
        assert int(job["ErrorCode"] or 0) != 0, job
        assert hv01.state(guid) == (0, 0)
        assert hv02.vm(guid) is None
