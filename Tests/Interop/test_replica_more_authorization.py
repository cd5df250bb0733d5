"""Who may replicate to whom: a failed job's Msvm_Error (GetError) and its affected VM, Test-VMReplicationConnection
toward a recovery server and toward a host that is none, and Remove-VMReplicationAuthorizationEntry stopping the
replication it authorised."""
import os

from multihost import (INTERVAL_WALL, PRIMARY, REPLICA, REPLICATING, lab_fixture, replicate, wait_for_digest,
                       wait_until)

HV01, HV02 = "WMILAB-HV01", "WMILAB-HV02"

# HV02 is a recovery server accepting any primary; HV01 is none.
hosts = lab_fixture(HV01, HV02, recovery_servers=(HV02,))


def test_a_failed_enable_job_explains_itself_through_get_error_and_names_its_vm(hosts):
    hv02 = hosts[HV02].replica
    guid = hv02.find_vm("web01")
    job = hv02.enable_replication(guid, HV01)
    assert int(job["JobState"]) == 10, job
    assert int(job["ErrorCode"] or 0) != 0, job
    assert "Replica server" in (job.get("ErrorDescription") or ""), job
    assert hv02.state(guid) == (0, 0)

    job_epr = hv02.job_epr(job)
    error = hv02.job_errors(job_epr)
    assert error is not None, "GetError returned no error for a failed job"
    assert error["__CLASS"] == "Msvm_Error"
    assert "Replica server" in (error["Message"] or ""), error
    assert HV01.lower() in error["Message"].lower(), error

    # ASSOCIATORS OF the job: the VM it acted on (Msvm_AffectedJobElement).
    instance_id = job["InstanceID"]
    affected = hv02.query(f'ASSOCIATORS OF {{Msvm_ConcreteJob.InstanceID="{instance_id}"}} '
                          "WHERE AssocClass = Msvm_AffectedJobElement")
    assert [a["Name"] for a in affected] == [guid], affected
    links = hv02.query(f'REFERENCES OF {{Msvm_ConcreteJob.InstanceID="{instance_id}"}} '
                       "WHERE ResultClass = Msvm_AffectedJobElement")
    assert len(links) == 1, links


def test_test_replication_connection_succeeds_only_toward_a_recovery_server(hosts):
    hv01, hv02 = hosts[HV01].replica, hosts[HV02].replica
    job = hv01.test_replication_connection(HV02)
    assert job["JobState"] == "7", job
    assert int(job["JobType"]) == 115, job  # Test Replication Connection
    assert hv01.job_errors(hv01.job_epr(job)) is None

    job = hv02.test_replication_connection(HV01)
    assert int(job["JobState"]) == 10, job
    assert int(job["ErrorCode"] or 0) != 0, job
    assert job.get("ErrorDescription"), job
    error = hv02.job_errors(hv02.job_epr(job))
    assert error is not None and error["Message"], error

    # A host nobody knows cannot be reached at all.
    job = hv01.test_replication_connection("WMILAB-NOWHERE")
    assert int(job["JobState"]) == 10, job
    assert int(job["ErrorCode"]) == 32777, job  # System is not available


def test_removing_the_authorization_entry_stops_the_replication_it_allowed(hosts):
    hv01, hv02 = hosts[HV01].replica, hosts[HV02].replica
    guid = replicate(hv01, hv02, "app01")
    device, replica_device = hv01.disk_device(guid), hv02.disk_device(guid)

    job = hv02.remove_authorization_entry("*")
    assert job["JobState"] == "7", job
    assert hv02.authorization_entries() == []

    refused = (4 * 1024 * 1024, os.urandom(200_000))
    hv01.write(device, *refused)
    rel = wait_until(lambda: (r := hv01.relationship(guid)) and int(r["ReplicationHealth"] or 0) in (2, 3) and r,
                     "the primary's health to degrade", timeout=10 + 10 * INTERVAL_WALL, step=0.2)
    assert int(rel["ReplicationHealth"]) in (2, 3)
    stats = hv01.statistics(guid)[0]
    assert int(stats["ReplicationMissCount"] or 0) > 0, stats
    assert hv02.read(replica_device, refused[0], len(refused[1])) != refused[1]
    assert hv02.state(guid)[0] == REPLICA  # the replica itself stays

    # Authorised again (Set-VMReplicationServer -ReplicationAllowedFromAnyServer): replication catches up.
    hv02.enable_recovery_server()
    wait_for_digest(hv01, device, hv02, replica_device, probes=[refused])
    hv01.wait_for_state(guid, REPLICATING)
    assert hv01.state(guid) == (PRIMARY, REPLICATING)
    assert hv02.state(guid) == (REPLICA, REPLICATING)
