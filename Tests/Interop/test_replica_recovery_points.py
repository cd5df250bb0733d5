"""Recovery points on the replica, as Hyper-V Replica keeps them: the latest plus RecoveryHistory earlier ones an
hour apart (lab time), each an Msvm_VirtualSystemSettingData snapshot linked by Msvm_SnapshotOfVirtualSystem; and
an unplanned failover to a chosen, older point (Start-VMFailover -VMRecoverySnapshot), which brings back that
point's bytes and not later ones."""
import os
import time
import xml.etree.ElementTree as ET

import pytest

from lab import NS
from multihost import (ANON, RECOVERED, REPLICA, REPLICATING, V2, rsd_text, running_lab, wait_for_digest,
                       wait_until)

HV01, HV02 = "WMILAB-HV01", "WMILAB-HV02"
# 900 s cycles at 600× lab time: a cycle every 1.5 s, a lab hour every 6 s.
TIME_SCALE, INTERVAL, HISTORY = 600, 900, 3
STANDARD = "Microsoft:Hyper-V:Snapshot:Replica:Standard"


@pytest.fixture(scope="module")
def hosts():
    with running_lab(HV01, HV02, time_scale=TIME_SCALE) as running:
        running[HV02].replica.enable_recovery_server()
        yield running


def recovery_points(replica, guid):
    """The VM's replica recovery points (Get-VMSnapshot -SnapshotType Replica), oldest first."""
    found = replica.associators(replica.vm_path(guid), "Msvm_VirtualSystemSettingData",
                                assoc_class="Msvm_SnapshotOfVirtualSystem")
    return sorted(found, key=lambda p: p["CreationTime"])


def snapshot_epr(instance_id):
    """The EPR of a recovery point (Msvm_VirtualSystemSettingData), as the SnapshotSettingData argument."""
    epr = ET.Element("SnapshotSettingData")
    ET.SubElement(epr, "{%s}Address" % NS["a"]).text = ANON
    rp = ET.SubElement(epr, "{%s}ReferenceParameters" % NS["a"])
    ET.SubElement(rp, "{%s}ResourceURI" % NS["w"]).text = V2 + "/Msvm_VirtualSystemSettingData"
    ss = ET.SubElement(rp, "{%s}SelectorSet" % NS["w"])
    ET.SubElement(ss, "{%s}Selector" % NS["w"], Name="InstanceID").text = instance_id
    return epr


def test_failover_to_an_older_recovery_point_brings_back_its_bytes(hosts):
    hv01, hv02 = hosts[HV01].replica, hosts[HV02].replica
    guid = hv01.find_vm("web01")
    text = rsd_text(hv01.rsd(guid), RecoveryConnectionPoint=HV02, AuthenticationType=1,
                    ReplicationInterval=INTERVAL, RecoveryHistory=HISTORY)
    job = hv01.service_job("CreateReplicationRelationship", ("ComputerSystem", hv01.vm_epr(guid)),
                           ("ReplicationSettingData", text))
    assert job["JobState"] == "7", job
    rv, out = hv01.start_replication(guid, kind=1)
    assert rv == 4096 and hv01.wait_job(out)["JobState"] == "7"
    hv02.wait_for_state(guid, REPLICATING)

    device, replica_device = hv01.disk_device(guid), hv02.disk_device(guid)
    first = (2 * 1024 * 1024, os.urandom(64 * 1024))
    hv01.write(device, *first)
    wait_for_digest(hv01, device, hv02, replica_device, probes=[first])

    # Points an hour apart accumulate: the initial replica's, one an hour later (after the first write, which
    # arrived within the first hour), and the latest.
    points = wait_until(lambda: (lambda p: p if len(p) >= 3 else None)(recovery_points(hv02, guid)),
                        "three recovery points an hour apart", timeout=60, step=0.5)
    assert all(p["VirtualSystemType"] == STANDARD for p in points)
    assert all(p["VirtualSystemIdentifier"] == guid for p in points)
    chosen = points[1]["InstanceID"]

    second = (3 * 1024 * 1024, os.urandom(64 * 1024))
    hv01.write(device, *second)
    wait_for_digest(hv01, device, hv02, replica_device, probes=[second])
    time.sleep(2 * INTERVAL / TIME_SCALE)
    points = recovery_points(hv02, guid)
    assert len(points) <= HISTORY + 1, points
    assert chosen in {p["InstanceID"] for p in points}, f"the hourly point went early: {points}"

    # Start-VMFailover -VMRecoverySnapshot <older point> on the recovery host (its VM is off).
    job = hv02.service_ok("InitiateFailover", ("ComputerSystem", hv02.vm_epr(guid)),
                          ("SnapshotSettingData", snapshot_epr(chosen)))
    assert int(job["ErrorCode"] or 0) == 0, job
    assert hv02.state(guid) == (REPLICA, RECOVERED)
    assert hv02.relationship(guid)["FailedOverReplicationType"] == "1"
    assert hv02.read(replica_device, first[0], len(first[1])) == first[1]
    assert hv02.read(replica_device, second[0], len(second[1])) != second[1]

    # Stop-VMFailover: back to the latest point, and replication goes on.
    hv02.service_ok("RevertFailover", ("ComputerSystem", hv02.vm_epr(guid)))
    hv02.wait_for_state(guid, REPLICATING)
    assert hv02.read(replica_device, second[0], len(second[1])) == second[1]
