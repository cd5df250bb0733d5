"""Hyper-V Replica between two hosts, enabled as Enable-VMReplication and Start-VMInitialReplication do:
the recovery server set up, the relationship created, initial and delta replication moving real bytes."""
import hashlib
import os
import time
import xml.etree.ElementTree as ET

import pytest

from lab import NS, RS
from multihost import (INTERVAL, INVALID_STATE, PRIMARY, READY, REPLICA, REPLICA_STORAGE, REPLICATING,
                       WAITING_IR, digests, lab_fixture, rsd_text, wait_for_digest, wait_until)

HV01, HV02 = "WMILAB-HV01", "WMILAB-HV02"
DISK_SIZE = 256 * 1024 * 1024

hosts = lab_fixture(HV01, HV02)


@pytest.fixture(scope="module")
def recovery_server(hosts):
    """HV02 as Set-VMReplicationServer leaves it: recovery server on, Kerberos, any primary, C:\\Replica."""
    hosts[HV02].replica.enable_recovery_server()
    return hosts[HV02].replica


@pytest.fixture(scope="module")
def enabled(hosts, recovery_server):
    """app01 of HV01 after CreateReplicationRelationship to HV02 (its finished job and GUID)."""
    hv01 = hosts[HV01].replica
    guid = hv01.find_vm("app01")
    job = hv01.enable_replication(guid, HV02)
    return guid, job


@pytest.fixture(scope="module")
def replicating(hosts, enabled):
    """app01 after initial replication over the network, with data written before it started."""
    hv01 = hosts[HV01].replica
    guid, _ = enabled
    device = hv01.disk_device(guid)
    for offset in (0, 40 * 1024 * 1024, DISK_SIZE - 300_000):
        hv01.write(device, offset, os.urandom(300_000))
    rv, out = hv01.start_replication(guid, kind=1)
    return guid, device, rv, out


def test_every_host_is_its_own_hyper_v_host_from_the_default_lab(hosts):
    vms = {}
    for name, host in hosts.items():
        lab = host.replica.lab
        assert lab.host_name() == name
        assert dict(lab.replication_service_keys())["Name"] == "replicasvc"
        assert dict(lab.replication_service_keys())["SystemName"] == name
        vms[name] = lab.vms()
        assert sorted(vms[name]) == ["app01", "db01", "web01"]
    assert set(vms[HV01].values()).isdisjoint(vms[HV02].values())  # fresh GUIDs per data directory


def test_vm_found_by_wql_and_its_settings_through_the_association(hosts):
    hv01 = hosts[HV01].replica
    guid = hv01.find_vm("app01")
    vm = hv01.vm(guid)
    assert vm["Caption"] == "Virtual Machine" and vm["ElementName"] == "app01"
    assert (int(vm["ReplicationMode"]), int(vm["ReplicationState"])) == (0, 0)
    rsd = hv01.rsd(guid)
    assert rsd["VirtualSystemIdentifier"] == guid
    assert rsd["VirtualSystemType"] == "Microsoft:Hyper-V:Replica"
    assert rsd["ElementName"] == "app01"
    # What GetText(2) makes of it: well-formed CIM-XML, typed properties, the edits in place.
    inst = ET.fromstring(rsd_text(rsd, RecoveryConnectionPoint=HV02, ReplicationInterval=INTERVAL))
    assert inst.get("CLASSNAME") == "Msvm_ReplicationSettingData"
    by_name = {p.get("NAME"): p for p in inst}
    assert by_name["RecoveryConnectionPoint"].findtext("VALUE") == HV02
    assert by_name["ReplicationInterval"].get("TYPE") == "uint16"
    assert by_name["ReplicationInterval"].findtext("VALUE") == str(INTERVAL)
    assert by_name["CompressionEnabled"].get("TYPE") == "boolean"
    assert by_name["VirtualSystemIdentifier"].findtext("VALUE") == guid


def test_wql_and_dsp0227_association_walks_agree(hosts):
    hv02 = hosts[HV02].replica
    guid = hv02.find_vm("db01")
    by_wql = hv02.rsds(guid)
    by_filter = {r["InstanceID"]: r for r in hv02.associated(guid, "Msvm_ReplicationSettingData")}
    assert list(by_wql) == list(by_filter) and len(by_wql) == 1
    assert by_wql == by_filter
    assert hv02.relationships(guid) == {}  # never replicated: no Msvm_ReplicationRelationship yet


def test_the_disk_walk_reaches_the_lab_disk_and_its_digest_is_the_real_one(hosts):
    hv01 = hosts[HV01].replica
    guid = hv01.find_vm("web01")
    device = hv01.disk_device(guid)
    assert device.lower().endswith("web01.vhdx")
    data = os.urandom(70_000)
    hv01.write(device, 65_536 * 3 + 17, data)
    assert hv01.read(device, 65_536 * 3 + 17, len(data)) == data
    expected = hashlib.sha256()
    expected.update(bytes(65_536 * 3 + 17))
    expected.update(data)
    remaining = DISK_SIZE - 65_536 * 3 - 17 - len(data)
    zeros = bytes(1 << 20)
    while remaining:
        n = min(remaining, len(zeros))
        expected.update(zeros[:n])
        remaining -= n
    assert hv01.digest(device) == expected.hexdigest()


def test_creating_a_relationship_to_a_host_that_is_no_recovery_server_fails_in_the_job(hosts):
    # HV01 never became a recovery server in this lab.
    hv02 = hosts[HV02].replica
    guid = hv02.find_vm("db01")
    job = hv02.enable_replication(guid, HV01)
    assert int(job["JobState"]) == 10, job
    assert int(job["ErrorCode"] or 0) != 0, job
    assert hv02.state(guid) == (0, 0)


def test_set_vm_replication_server_configures_the_recovery_side(hosts, recovery_server):
    settings = recovery_server.service_settings()
    assert settings["RecoveryServerEnabled"] == "true"
    assert settings["AllowedAuthenticationType"] == "1"
    entries = recovery_server.authorization_entries()
    assert [(e["AllowedPrimaryHostSystem"], e["TrustGroup"], e["ReplicaStorageLocation"]) for e in entries] == \
        [("*", "lab", REPLICA_STORAGE)]


def test_create_replication_relationship_makes_app01_a_primary_and_a_replica_on_hv02(hosts, enabled):
    hv01, hv02 = hosts[HV01].replica, hosts[HV02].replica
    guid, job = enabled
    assert job.get("_synchronous") is None, "CreateReplicationRelationship answers 4096 and a job"
    out = job["_out"]
    job_epr = out.find("{%s}Job" % RS)
    assert job_epr.find(".//{%s}ResourceURI" % NS["w"]).text.endswith("/Msvm_ConcreteJob")
    assert "InstanceID" in {s.get("Name") for s in job_epr.iter("{%s}Selector" % NS["w"])}
    assert job["JobState"] == "7", job
    assert int(job["ErrorCode"] or 0) == 0, job

    assert hv01.state(guid) == (PRIMARY, READY)
    replica_vm = hv02.vm(guid)
    assert replica_vm is not None, "no VM with the primary's GUID on HV02"
    assert replica_vm["ElementName"] == "app01"
    assert hv02.state(guid) == (REPLICA, WAITING_IR)

    for host in (hv01, hv02):
        rel = host.relationship(guid)
        assert rel["InstanceID"] == f"Microsoft:{guid}\\HVR\\0"
    rsd = hv01.rsd(guid)
    assert rsd["RecoveryConnectionPoint"] == HV02
    assert rsd["PrimaryHostSystem"] and HV01.lower() in rsd["PrimaryHostSystem"].lower()
    assert rsd["RecoveryHostSystem"] and HV02.lower() in rsd["RecoveryHostSystem"].lower()
    assert rsd["ReplicationInterval"] == str(INTERVAL)


def test_initial_replication_over_the_network_copies_the_disk(hosts, replicating):
    hv01, hv02 = hosts[HV01].replica, hosts[HV02].replica
    guid, device, rv, out = replicating
    assert rv == 4096
    job_epr = out.find("{%s}Job" % RS)
    samples = []  # (JobState, PercentComplete, primary ReplicationState) while the job runs
    deadline = time.time() + 60
    while True:
        # The state before the job: the relationship turns Replicating once the last block is in (the job
        # then shows 99 %) and the job ends after that, so a state read first never runs ahead of the job.
        replication_state = hv01.state(guid)[1]
        job = hv01.job(job_epr)
        state = int(job["JobState"])
        if state not in (2, 3, 4, 5, 6):
            break
        samples.append((state, int(job.get("PercentComplete") or 0), replication_state))
        assert time.time() < deadline, "initial replication did not finish"
        time.sleep(0.1)
    assert state == 7, job
    assert all(s[2] in (WAITING_IR, REPLICATING) for s in samples), samples
    assert all(s[2] == WAITING_IR for s in samples if s[0] == 4 and s[1] < 99), samples
    percents = [s[1] for s in samples]
    assert percents == sorted(percents), "PercentComplete went backwards"
    assert int(job["PercentComplete"] or 0) == 100, job

    hv01.wait_for_state(guid, REPLICATING)
    hv02.wait_for_state(guid, REPLICATING)
    for host in (hv01, hv02):
        assert host.relationship(guid)["LastReplicationTime"], f"{host.host_name}: LastReplicationTime not set"
    replica_device = hv02.disk_device(guid)
    own_app01 = [g for g in hv02.vms_named("app01") if g != guid]
    assert len(own_app01) == 1, "HV02's own app01 and the replica of HV01's side by side"
    assert replica_device != hv02.disk_device(own_app01[0])
    primary_digest, replica_digest = digests((hv01, device), (hv02, replica_device))
    assert replica_digest == primary_digest


def test_delta_replication_ships_new_writes_and_counts_them(hosts, replicating):
    hv01, hv02 = hosts[HV01].replica, hosts[HV02].replica
    guid, device, _, _ = replicating
    hv02.wait_for_state(guid, REPLICATING)
    probes = [(5 * 1024 * 1024, os.urandom(200_000)), (100 * 1024 * 1024 + 12_345, os.urandom(200_000))]
    for offset, data in probes:
        hv01.write(device, offset, data)
    written = sum(len(data) for _, data in probes)
    wait_for_digest(hv01, device, hv02, hv02.disk_device(guid), probes=probes)
    assert hv01.state(guid) == (PRIMARY, REPLICATING)
    assert hv02.state(guid) == (REPLICA, REPLICATING)
    stats = wait_until(lambda: [s for s in hv01.statistics(guid) if int(s["ReplicationSize"] or 0) >= written],
                       "statistics that count the delta", timeout=10, step=0.2)
    assert stats[0]["__CLASS"] == "Msvm_ReplicationStatistics"
    assert int(stats[0]["ReplicationSuccessCount"] or 0) > 0, stats


def test_refused_requests_answer_invalid_state(hosts, replicating):
    hv01 = hosts[HV01].replica
    guid = replicating[0]
    hosts[HV02].replica.wait_for_state(guid, REPLICATING)
    # StartReplication on a VM that is not replicated at all.
    rv, _ = hv01.start_replication(hv01.find_vm("web01"), kind=1)
    assert rv == INVALID_STATE
    # InitiateFailover belongs to the recovery side.
    rv, _ = hv01.service("InitiateFailover", ("ComputerSystem", hv01.vm_epr(guid)), ("SnapshotSettingData", None))
    assert rv == INVALID_STATE
    # Resynchronize only after a failure or suspension, not while replicating.
    rv, _ = hv01.service("Resynchronize", ("ComputerSystem", hv01.vm_epr(guid)))
    assert rv == INVALID_STATE
    assert hv01.state(guid) == (PRIMARY, REPLICATING)


def test_replica_disk_lives_under_the_replica_storage_location(hosts, replicating):
    hv02 = hosts[HV02].replica
    guid = replicating[0]
    hv02.wait_for_state(guid, REPLICATING)
    devices = hv02.disk_devices(guid)
    assert all(d.lower().startswith(REPLICA_STORAGE.lower() + "\\") for d in devices), devices
