"""WS-Transfer Get / Put / Create / Delete through pypsrp, pywinrm and wsl."""
import xml.etree.ElementTree as ET

import pytest
from pypsrp.exceptions import WSManFaultError

from lab import CS, LABNS, NS, RS, T, V2, selector_set, selectors_of

FAULT = LABNS + "/WMILab_Fault"


def test_pypsrp_get_replication_service(lab):
    keys = lab.replication_service_keys()
    body = lab.psrp.get(RS, selector_set=selector_set(keys))
    inst = body.find("{%s}Msvm_ReplicationService" % RS)
    assert inst.find("{%s}Caption" % RS).text == "Hyper-V Replica Service"
    assert inst.find("{%s}SystemName" % RS).text == lab.host_name()
    # Arrays are repeated elements; datetimes are cim:Datetime children.
    assert [e.text for e in inst.findall("{%s}OperationalStatus" % RS)] == ["2"]


def test_pywinrm_get_replication_service(lab):
    keys = lab.replication_service_keys()
    r = lab.winrm_call(T + "Get", RS, keys)
    assert r.find("s:Body/{%s}Msvm_ReplicationService/{%s}Name" % (RS, RS), NS).text == dict(keys)["Name"]


def test_wsl_get_replication_service(lab):
    keys = lab.replication_service_keys()
    rc, out = lab.wsl("wsl", "get", RS, *[f"{k}={v}" for k, v in keys])
    assert rc == 0
    assert "Hyper-V Replica Service" in out


def test_get_of_a_virtual_machine_by_its_keys(lab):
    vms = lab.vms()
    assert sorted(vms) == ["app01", "db01", "web01"]
    body = lab.psrp.get(CS, selector_set=selector_set([("CreationClassName", "Msvm_ComputerSystem"),
                                                        ("Name", vms["db01"])]))
    assert body.find("{%s}Msvm_ComputerSystem/{%s}ElementName" % (CS, CS)).text == "db01"


def test_create_get_put_delete_a_fault_instance_with_pypsrp(lab):
    new = ET.Element("{%s}WMILab_Fault" % FAULT)
    ET.SubElement(new, "{%s}FaultID" % FAULT).text = "interop-psrp-1"
    ET.SubElement(new, "{%s}Kind" % FAULT).text = "2"
    ET.SubElement(new, "{%s}DelaySeconds" % FAULT).text = "0"
    created = lab.psrp.create(FAULT, new)
    assert selectors_of(created) == {"FaultID": "interop-psrp-1", "__cimnamespace": "root/wmilab"}

    keys = selector_set([("FaultID", "interop-psrp-1")])
    inst = lab.psrp.get(FAULT, selector_set=keys).find("{%s}WMILab_Fault" % FAULT)
    assert inst.find("{%s}Kind" % FAULT).text == "2"

    upd = ET.Element("{%s}WMILab_Fault" % FAULT)
    ET.SubElement(upd, "{%s}FaultID" % FAULT).text = "interop-psrp-1"
    ET.SubElement(upd, "{%s}DelaySeconds" % FAULT).text = "7"
    lab.psrp.put(FAULT, upd, selector_set=keys)
    inst = lab.psrp.get(FAULT, selector_set=keys).find("{%s}WMILab_Fault" % FAULT)
    assert inst.find("{%s}DelaySeconds" % FAULT).text == "7"
    assert inst.find("{%s}Kind" % FAULT).text == "2"  # Put changed only what it named

    lab.psrp.delete(FAULT, selector_set=keys)
    with pytest.raises(WSManFaultError) as e:
        lab.psrp.get(FAULT, selector_set=keys)
    assert e.value.code == 2150858813  # ERROR_WSMAN_INVALID_SELECTORS: no such instance


def test_create_and_delete_with_pywinrm(lab):
    body = {"p:WMILab_Fault": {"@xmlns:p": FAULT, "p:FaultID": "interop-winrm-1", "p:Kind": "1",
                               "p:ReturnCode": "32768"}}
    r = lab.winrm_call(T + "Create", FAULT, body=body)
    assert [s.text for s in r.iter("{%s}Selector" % NS["w"])] == ["interop-winrm-1", "root/wmilab"]
    lab.winrm_call(T + "Delete", FAULT, [("FaultID", "interop-winrm-1")])
    from winrm.exceptions import WSManFaultError as WinRMFault
    with pytest.raises(WinRMFault) as e:
        lab.winrm_call(T + "Get", FAULT, [("FaultID", "interop-winrm-1")])
    assert e.value.code == 500
    assert e.value.fault_subcode == "w:InvalidSelectors"


def test_create_of_an_existing_instance_is_refused(lab):
    new = ET.Element("{%s}WMILab_Fault" % FAULT)
    ET.SubElement(new, "{%s}FaultID" % FAULT).text = "interop-dup"
    ET.SubElement(new, "{%s}Kind" % FAULT).text = "2"
    lab.psrp.create(FAULT, new)
    try:
        with pytest.raises(WSManFaultError) as e:
            lab.psrp.create(FAULT, new)
        assert e.value.code == 2150858803  # AlreadyExists
    finally:
        lab.psrp.delete(FAULT, selector_set=selector_set([("FaultID", "interop-dup")]))


def test_put_cannot_change_a_key(lab):
    vms = lab.vms()
    keys = [("CreationClassName", "Msvm_ComputerSystem"), ("Name", vms["web01"])]
    inst = ET.Element("{%s}Msvm_ComputerSystem" % CS)
    ET.SubElement(inst, "{%s}Name" % CS).text = "00000000-0000-0000-0000-000000000000"
    with pytest.raises(WSManFaultError):
        lab.psrp.put(CS, inst, selector_set=selector_set(keys))
    assert lab.vms()["web01"] == vms["web01"]
