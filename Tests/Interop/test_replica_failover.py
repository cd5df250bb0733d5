"""Failover of replicated VMs: a test failover of db01 on the recovery host, and a planned failover of app01 as
Start-VMFailover -Prepare / Start-VMFailover / Complete-VMFailover / Set-VMReplication -Reverse do it."""
import os
import time

from lab import NS, RS, selector_set, selectors_of
from multihost import (COMMITTED, CS, INTERVAL_WALL, PRIMARY, RECOVERED, REPLICA, REPLICATING, SYNCED, TEST_REPLICA,
                       lab_fixture, props, replicate, rsd_text, wait_for_digest)

HV01, HV02 = "WMILAB-HV01", "WMILAB-HV02"

# Both hosts accept replication: HV01 becomes the recovery side once the relationship is reversed.
hosts = lab_fixture(HV01, HV02, recovery_servers=(HV01, HV02))


def replicated(hosts, vm_name, history=0):
    """The VM replicating HV01 → HV02 with some data through: its GUID."""
    hv01, hv02 = hosts[HV01].replica, hosts[HV02].replica
    guid = replicate(hv01, hv02, vm_name, history=history)
    assert hv01.rsd(guid)["RecoveryHistory"] == str(history)
    device = hv01.disk_device(guid)
    probe = (1024 * 1024, os.urandom(128 * 1024))
    hv01.write(device, *probe)
    wait_for_digest(hv01, device, hv02, hv02.disk_device(guid), probes=[probe])
    return guid


def test_test_failover_creates_a_test_vm_and_leaves_the_replica_replicating(hosts):
    hv01, hv02 = hosts[HV01].replica, hosts[HV02].replica
    guid = replicated(hosts, "db01", history=2)  # recovery points kept; Null picks the latest
    device = hv01.disk_device(guid)
    at_point = hv01.digest(device)  # the replica has caught up: this is the latest recovery point's content
    rv, out = hv02.service("TestReplicaSystem", ("ComputerSystem", hv02.vm_epr(guid)), ("SnapshotSettingData", None))
    assert rv in (0, 4096), rv
    # Deltas go on arriving while the test VM's disks are copied; each replaces the latest recovery point (the
    # one being copied, less than an hour old), which the copy must still read whole.
    for i in range(3):
        hv01.write(device, (4 + i) * 1024 * 1024, os.urandom(64 * 1024))
        time.sleep(INTERVAL_WALL)
    if rv == 4096:
        job = hv02.wait_job(out)
        assert job["JobState"] == "7", job
    resulting = out.find("{%s}ResultingSystem" % RS)
    assert resulting is not None, "TestReplicaSystem gave no ResultingSystem"
    assert resulting.find(".//{%s}ResourceURI" % NS["w"]).text == CS
    keys = [(k, v) for k, v in selectors_of(resulting).items() if k != "__cimnamespace"]
    test_vm = props(hv02.lab.psrp.get(CS, selector_set=selector_set(keys))[0])
    assert test_vm["ElementName"] == "db01 - Test"
    assert test_vm["Name"] != guid
    assert int(test_vm["ReplicationMode"]) == TEST_REPLICA
    assert hv02.state(guid) == (REPLICA, REPLICATING)
    assert hv02.digest(hv02.disk_device(test_vm["Name"])) == at_point


def test_planned_failover_then_reverse_replication(hosts):
    hv01, hv02 = hosts[HV01].replica, hosts[HV02].replica
    guid = replicated(hosts, "app01")

    # Start-VMFailover -Prepare: the primary is turned off, then prepared (pending deltas sent).
    assert hv01.vm_request_state_change(guid, 3) == 0
    assert hv01.vm(guid)["EnabledState"] == "3"
    assert hv01.request_replication_state_change(guid, 4) == 0
    assert hv01.state(guid) == (PRIMARY, SYNCED)

    # Start-VMFailover on the recovery host (latest recovery point), then Complete-VMFailover.
    job = hv02.service_ok("InitiateFailover", ("ComputerSystem", hv02.vm_epr(guid)), ("SnapshotSettingData", None))
    assert int(job["ErrorCode"] or 0) == 0, job
    assert hv02.state(guid) == (REPLICA, RECOVERED)
    hv02.service_ok("CommitFailover", ("ComputerSystem", hv02.vm_epr(guid)))
    assert hv02.state(guid) == (REPLICA, COMMITTED)

    # Set-VMReplication -Reverse: the VM's RSD pointed back at the old primary.
    rsd = hv02.rsd(guid)
    hv02.service_ok("ReverseReplicationRelationship", ("ComputerSystem", hv02.vm_epr(guid)),
                    ("ReplicationSettingData", rsd_text(rsd, RecoveryConnectionPoint=HV01)))
    hv02.wait_for_state(guid, REPLICATING)
    hv01.wait_for_state(guid, REPLICATING)
    assert hv02.state(guid) == (PRIMARY, REPLICATING)
    assert hv01.state(guid) == (REPLICA, REPLICATING)
    assert hv02.rsd(guid)["RecoveryConnectionPoint"] == HV01

    # Data now flows HV02 → HV01.
    new_primary_device = hv02.disk_device(guid)
    probe = (7 * 1024 * 1024, os.urandom(150_000))
    hv02.write(new_primary_device, *probe)
    wait_for_digest(hv02, new_primary_device, hv01, hv01.disk_device(guid), probes=[probe])
