"""A primary killed with -9 while replicating comes back with its relationship, and keeps replicating."""
import os

from multihost import PRIMARY, REPLICA, REPLICATING, lab_fixture, replicate, wait_for_digest

HV01, HV02 = "WMILAB-HV01", "WMILAB-HV02"

hosts = lab_fixture(HV01, HV02, recovery_servers=(HV02,))


def test_relationship_survives_kill_9_of_the_primary(hosts):
    hv01, hv02 = hosts[HV01].replica, hosts[HV02].replica
    guid = replicate(hv01, hv02, "app01")
    device = hv01.disk_device(guid)
    probe = (0, os.urandom(200_000))
    hv01.write(device, *probe)
    wait_for_digest(hv01, device, hv02, hv02.disk_device(guid), probes=[probe])
    before = hv01.relationship(guid)
    rsd_before = hv01.rsd(guid)

    in_flight = (30 * 1024 * 1024, os.urandom(100_000))  # written just before the host dies
    hv01.write(device, *in_flight)
    hosts[HV01].kill()
    hv01 = hosts[HV01].restart().replica

    assert hv01.find_vm("app01") == guid
    assert hv01.state(guid) == (PRIMARY, REPLICATING)
    after = hv01.relationship(guid)
    assert after["InstanceID"] == before["InstanceID"]
    assert after["LastReplicationTime"], "LastReplicationTime lost"
    rsd_after = hv01.rsd(guid)
    for name in ("RecoveryConnectionPoint", "PrimaryHostSystem", "RecoveryHostSystem", "ReplicationInterval"):
        assert rsd_after[name] == rsd_before[name], name
    assert hv02.state(guid) == (REPLICA, REPLICATING)

    assert hv01.disk_device(guid) == device
    after_restart = (60 * 1024 * 1024, os.urandom(100_000))
    hv01.write(device, *after_restart)
    assert hv01.read(device, in_flight[0], len(in_flight[1])) == in_flight[1]  # an acknowledged write survives
    wait_for_digest(hv01, device, hv02, hv02.disk_device(guid), probes=[in_flight, after_restart])
    assert hv01.state(guid) == (PRIMARY, REPLICATING)
