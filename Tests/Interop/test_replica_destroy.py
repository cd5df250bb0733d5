"""Removing VMs with Msvm_VirtualSystemManagementService.DestroySystem: a test replica as Stop-VMFailover removes
it (its disks go with it), a VM as Remove-VM removes it (its disks stay), and the refusals Windows gives."""
import os

from lab import VSMS
from multihost import (DISK, INVALID_STATE, REPLICA, REPLICATING, TEST_REPLICA, lab_fixture, props, replicate,
                       wait_for_digest)

HV01, HV02 = "WMILAB-HV01", "WMILAB-HV02"
INVALID_PARAMETER = 32773

hosts = lab_fixture(HV01, HV02, recovery_servers=(HV02,))


def destroyed(replica, guid, job_type):
    """DestroySystem to the end: asserts the job's outcome and type; returns the job."""
    rv, out = replica.destroy_system(guid)
    assert rv == 4096, f"DestroySystem returned {rv}"
    job = replica.wait_job(out, uri=VSMS)
    assert job["JobState"] == "7", job
    assert int(job["JobType"]) == job_type, job
    return job


def settings_naming(replica, guid):
    """The settings instances that name the VM: its VSSDs (realized and recovery points) and its RSDs."""
    return [s for cls in ("Msvm_VirtualSystemSettingData", "Msvm_ReplicationSettingData")
            for s in replica.query(f"SELECT * FROM {cls} WHERE VirtualSystemIdentifier='{guid}'")]


def device_ids(replica):
    return {props(d)["DeviceID"].lower() for d in replica.lab.enumerate_all(DISK)}


def test_destroying_a_test_replica_removes_it_and_its_disks_and_the_replica_replicates_on(hosts):
    hv01, hv02 = hosts[HV01].replica, hosts[HV02].replica
    guid = replicate(hv01, hv02, "db01")
    device = hv01.disk_device(guid)
    probe = (2 * 1024 * 1024, os.urandom(96 * 1024))
    hv01.write(device, *probe)
    wait_for_digest(hv01, device, hv02, hv02.disk_device(guid), probes=[probe])

    job = hv02.service_ok("TestReplicaSystem", ("ComputerSystem", hv02.vm_epr(guid)), ("SnapshotSettingData", None))
    [test_name] = [n for n in hv02.vms_named("db01 - Test")]
    assert int(hv02.vm(test_name)["ReplicationMode"]) == TEST_REPLICA, job
    test_device = hv02.disk_device(test_name)
    replica_path = hv02.vm_path(guid)
    assert hv02.associators(replica_path, "Msvm_ComputerSystem", assoc_class="Msvm_ReplicaSystemDependency")

    destroyed(hv02, test_name, job_type=103)  # Remove Test Replica
    assert hv02.vm(test_name) is None
    assert settings_naming(hv02, test_name) == []
    assert test_device.lower() not in device_ids(hv02), "the test VM's disk is left behind"
    assert hv02.associators(replica_path, "Msvm_ComputerSystem", assoc_class="Msvm_ReplicaSystemDependency") == []

    assert hv02.state(guid) == (REPLICA, REPLICATING)
    after = (5 * 1024 * 1024, os.urandom(64 * 1024))
    hv01.write(device, *after)
    wait_for_digest(hv01, device, hv02, hv02.disk_device(guid), probes=[after])
    # A new test failover works again once the old test VM is gone.
    hv02.service_ok("TestReplicaSystem", ("ComputerSystem", hv02.vm_epr(guid)), ("SnapshotSettingData", None))
    assert len(hv02.vms_named("db01 - Test")) == 1


def test_a_vm_is_destroyed_only_when_off_its_disk_stays_and_the_removal_survives_kill_9(hosts):
    hv01 = hosts[HV01].replica
    guid = hv01.find_vm("app01")  # running in the default lab
    assert hv01.destroy_system(guid)[0] == INVALID_STATE
    assert hv01.destroy_system(HV01)[0] == INVALID_PARAMETER  # the host is no VM
    assert hv01.destroy_system("00000000-0000-0000-0000-000000000000")[0] == INVALID_PARAMETER
    assert hv01.vm(guid) is not None

    device = hv01.disk_device(guid)
    hv01.write(device, 0, os.urandom(64 * 1024))
    digest = hv01.digest(device)
    assert hv01.vm_request_state_change(guid, 3) == 0  # Stop-VM -TurnOff
    destroyed(hv01, guid, job_type=3)  # Destroy Virtual Machine
    assert hv01.vm(guid) is None
    assert hv01.vms_named("app01") == []
    assert settings_naming(hv01, guid) == []
    assert hv01.digest(device) == digest, "Remove-VM keeps the virtual hard disk"

    hosts[HV01].kill()
    hv01 = hosts[HV01].restart().replica
    assert hv01.vm(guid) is None
    assert settings_naming(hv01, guid) == []
    assert hv01.digest(device) == digest


def test_destroying_a_replicating_primary_and_then_its_replica(hosts):
    hv01, hv02 = hosts[HV01].replica, hosts[HV02].replica
    guid = replicate(hv01, hv02, "web01")  # off in the default lab
    assert hv01.relationships(guid)

    destroyed(hv01, guid, job_type=3)
    assert hv01.vm(guid) is None
    assert hv01.query(f"SELECT * FROM Msvm_ReplicationRelationship WHERE InstanceID LIKE 'Microsoft:{guid}%'") == []
    # The recovery host is not told, as on Windows: its replica stays until it is removed there too.
    assert hv02.vm(guid) is not None
    assert hv02.state(guid)[0] == REPLICA

    replica_device = hv02.disk_device(guid)
    destroyed(hv02, guid, job_type=3)
    assert hv02.vm(guid) is None
    assert settings_naming(hv02, guid) == []
    assert replica_device.lower() in device_ids(hv02)
