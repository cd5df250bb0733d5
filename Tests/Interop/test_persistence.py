"""What a client was told is done survives kill -9 of the server, and a restart does not reseed the lab."""
import signal
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import Server
from lab import LABNS, Lab, selector_set

FAULT = LABNS + "/WMILab_Fault"


def test_created_instance_and_lab_identity_survive_kill_9():
    with tempfile.TemporaryDirectory(prefix="wmilab-persist-") as tmp:
        data = Path(tmp) / "data"
        first = Server(data)
        try:
            lab = Lab(first)
            vms = lab.vms()
            new = ET.Element("{%s}WMILab_Fault" % FAULT)
            ET.SubElement(new, "{%s}FaultID" % FAULT).text = "survivor"
            ET.SubElement(new, "{%s}Kind" % FAULT).text = "2"
            ET.SubElement(new, "{%s}DelaySeconds" % FAULT).text = "9"
            lab.psrp.create(FAULT, new)
        finally:
            first.proc.send_signal(signal.SIGKILL)
            first.proc.wait()
            first.log.close()

        second = Server(data)
        try:
            lab = Lab(second)
            inst = lab.psrp.get(FAULT, selector_set=selector_set([("FaultID", "survivor")]))[0]
            assert inst.find("{%s}DelaySeconds" % FAULT).text == "9"
            assert lab.vms() == vms  # same GUIDs: the lab was not seeded again
        finally:
            second.stop()


def test_a_new_data_directory_gets_fresh_identities(lab):
    with tempfile.TemporaryDirectory(prefix="wmilab-fresh-") as tmp:
        other = Server(Path(tmp) / "data")
        try:
            theirs = Lab(other).vms()
        finally:
            other.stop()
    ours = lab.vms()
    assert sorted(theirs) == sorted(ours)
    assert set(theirs.values()).isdisjoint(ours.values())
