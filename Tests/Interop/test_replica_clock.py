"""The lab clock: WMILab_Clock=@ shows lab time, and Advance moves it so that every schedule due runs — here a
replication cycle of a 5-minute ReplicationInterval on a host whose lab time runs at wall speed."""
import os
import time
import xml.etree.ElementTree as ET

import pytest

from lab import LABNS, NS
from multihost import REPLICATING, props, rsd_text, running_lab, wait_for_digest

HV01, HV02 = "WMILAB-HV01", "WMILAB-HV02"
CLOCK = LABNS + "/WMILab_Clock"


@pytest.fixture(scope="module")
def hosts():
    with running_lab(HV01, HV02, time_scale=1) as running:
        running[HV02].replica.enable_recovery_server()
        yield running


def lab_time(replica):
    clock = props(replica.lab.psrp.get(CLOCK)[0])
    return clock["CurrentTime"], float(clock["TimeScale"])


def advance(replica, seconds):
    inp = ET.Element("{%s}Advance_INPUT" % CLOCK)
    ET.SubElement(inp, "{%s}Seconds" % CLOCK).text = str(seconds)
    out = replica.lab.psrp.invoke(CLOCK + "/Advance", CLOCK, inp).find("s:Body/{%s}Advance_OUTPUT" % CLOCK, NS)
    return int(out.find("{%s}ReturnValue" % CLOCK).text)


def test_advance_runs_the_replication_cycle_that_falls_due(hosts):
    hv01, hv02 = hosts[HV01].replica, hosts[HV02].replica
    before, scale = lab_time(hv01)
    assert scale == 1.0
    guid = hv01.find_vm("app01")
    text = rsd_text(hv01.rsd(guid), RecoveryConnectionPoint=HV02, AuthenticationType=1, ReplicationInterval=300)
    assert hv01.service_job("CreateReplicationRelationship", ("ComputerSystem", hv01.vm_epr(guid)),
                            ("ReplicationSettingData", text))["JobState"] == "7"
    rv, out = hv01.start_replication(guid, kind=1)
    assert rv == 4096 and hv01.wait_job(out)["JobState"] == "7"
    hv02.wait_for_state(guid, REPLICATING)

    device, replica_device = hv01.disk_device(guid), hv02.disk_device(guid)
    probe = (8 * 1024 * 1024, os.urandom(32 * 1024))
    hv01.write(device, *probe)
    time.sleep(1.5)  # far less than the 300 s interval: nothing is due yet
    assert hv02.read(replica_device, probe[0], len(probe[1])) != probe[1]

    assert advance(hv01, 300) == 0
    wait_for_digest(hv01, device, hv02, replica_device, probes=[probe], timeout=20)
    after, _ = lab_time(hv01)
    assert after > before  # CIM datetimes of one zone order as text
