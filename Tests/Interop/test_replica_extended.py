"""Extended replication over three hosts: HV01 → HV02 → HV03, the replica on HV02 replicating on."""
import os

from multihost import EXTENDED_REPLICA, REPLICA, REPLICATING, lab_fixture, replicate, wait_for_digests

HV01, HV02, HV03 = "WMILAB-HV01", "WMILAB-HV02", "WMILAB-HV03"

hosts = lab_fixture(HV01, HV02, HV03, recovery_servers=(HV02, HV03))


def test_extended_replica_receives_what_the_primary_writes(hosts):
    hv01, hv02, hv03 = hosts[HV01].replica, hosts[HV02].replica, hosts[HV03].replica
    guid = replicate(hv01, hv02, "app01")

    # Enable-VMReplication on the replica VM, pointing at HV03, then its initial replication.
    job = hv02.enable_replication(guid, HV03)
    assert job["JobState"] == "7", job
    rv, out = hv02.start_replication(guid, kind=1)
    assert rv == 4096
    assert hv02.wait_job(out)["JobState"] == "7"

    extended = hv03.vm(guid)
    assert extended is not None, "no VM with the primary's GUID on HV03"
    assert extended["ElementName"] == "app01"
    hv03.wait_for_state(guid, REPLICATING)
    assert hv03.state(guid) == (EXTENDED_REPLICA, REPLICATING)
    assert hv02.state(guid)[0] == REPLICA
    rels = hv02.relationships(guid)
    assert sorted(rels) == [f"Microsoft:{guid}\\HVR\\0", f"Microsoft:{guid}\\HVR\\1"]
    assert int(rels[f"Microsoft:{guid}\\HVR\\1"]["ReplicationState"]) == REPLICATING
    assert hv02.rsd(guid, 1)["RecoveryConnectionPoint"] == HV03

    device = hv01.disk_device(guid)
    probe = (9 * 1024 * 1024, os.urandom(300_000))
    hv01.write(device, *probe)
    wait_for_digests(hv01, device, [(hv02, hv02.disk_device(guid)), (hv03, hv03.disk_device(guid))], probes=[probe])
