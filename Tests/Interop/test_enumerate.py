"""WS-Enumeration: plain, optimized, EPR modes, WQL, association and selector filters, Release."""
import xml.etree.ElementTree as ET

import pytest
from pypsrp.exceptions import WSManFaultError

from lab import ASSOC, CS, E, NS, RS, SELFILTER, V2, WQL, selectors_of

VSSD = V2 + "/Msvm_VirtualSystemSettingData"
RSD = V2 + "/Msvm_ReplicationSettingData"


def names(items, uri=CS):
    return sorted(i.find("{%s}ElementName" % uri).text for i in items)


def test_pypsrp_plain_enumerate_and_pull_one_at_a_time(lab):
    resp = lab.psrp.enumerate(CS, ET.Element("{%s}Enumerate" % NS["n"]))
    ctx = resp.find("n:EnumerateResponse/n:EnumerationContext", NS).text
    seen = []
    while ctx:
        pull = ET.Element("{%s}Pull" % NS["n"])
        ET.SubElement(pull, "{%s}EnumerationContext" % NS["n"]).text = ctx
        pr = lab.psrp.pull(CS, pull).find("n:PullResponse", NS)
        items = list(pr.find("n:Items", NS))
        assert len(items) == 1  # no MaxElements = one item per Pull
        seen += items
        ctx = None if pr.find("n:EndOfSequence", NS) is not None else pr.find("n:EnumerationContext", NS).text
    # The host and three virtual machines.
    assert names(seen).count("app01") == 1 and len(seen) == 4


def test_pywinrm_enumerate_pull_release(lab):
    ctx = lab.winrm_call(E + "Enumerate", CS, body={"n:Enumerate": {}}).find(
        "s:Body/n:EnumerateResponse/n:EnumerationContext", NS).text
    pr = lab.winrm_call(E + "Pull", CS, body={"n:Pull": {"n:EnumerationContext": ctx, "n:MaxElements": "2"}})
    assert len(pr.find("s:Body/n:PullResponse/n:Items", NS)) == 2
    lab.winrm_call(E + "Release", CS, body={"n:Release": {"n:EnumerationContext": ctx}})
    from winrm.exceptions import WSManFaultError as WinRMFault
    with pytest.raises(WinRMFault) as e:
        lab.winrm_call(E + "Pull", CS, body={"n:Pull": {"n:EnumerationContext": ctx}})
    assert e.value.wsman_fault_code == 2150858779  # released context is gone


def test_optimized_object_and_epr(lab):
    items = lab.enumerate_all(CS, mode="EnumerateObjectAndEPR")
    assert len(items) == 4
    for item in items:
        assert item.tag == "{%s}Item" % NS["w"]
        inst, epr = item[0], item.find("a:EndpointReference", NS)
        sel = selectors_of(epr)
        assert sel["Name"] == inst.find("{%s}Name" % CS).text
        assert sel["CreationClassName"] == "Msvm_ComputerSystem"


def test_epr_mode_gives_references_only(lab):
    items = lab.enumerate_all(RS, mode="EnumerateEPR")
    assert len(items) == 1
    assert items[0].tag == "{%s}EndpointReference" % NS["a"]
    assert set(selectors_of(items[0])) >= {"CreationClassName", "Name", "SystemCreationClassName", "SystemName"}


@pytest.mark.parametrize("query,expected", [
    ("SELECT * FROM Msvm_ComputerSystem WHERE ElementName = 'db01'", ["db01"]),
    ("SELECT * FROM Msvm_ComputerSystem WHERE ElementName LIKE '%01' AND Caption = 'Virtual Machine'",
     ["app01", "db01", "web01"]),
    ("SELECT * FROM Msvm_ComputerSystem WHERE ElementName = 'app01' OR ElementName = 'web01'", ["app01", "web01"]),
    ("SELECT * FROM Msvm_ComputerSystem WHERE NOT (ElementName LIKE '[aw]%') AND Caption = 'Virtual Machine'",
     ["db01"]),
    ("SELECT ElementName FROM CIM_ComputerSystem WHERE Caption = 'Virtual Machine'", ["app01", "db01", "web01"]),
    ("SELECT * FROM Msvm_ComputerSystem WHERE __CLASS = 'Msvm_ComputerSystem' AND ElementName IS NOT NULL "
     "AND Caption = 'Virtual Machine' AND ReplicationState = 0", ["app01", "db01", "web01"]),
])
def test_wql_filters(lab, query, expected):
    assert names(lab.enumerate_all(V2 + "/*", query)) == expected


def test_wql_projection_returns_only_the_selected_properties(lab):
    items = lab.enumerate_all(V2 + "/*", "SELECT ElementName FROM Msvm_ComputerSystem WHERE ElementName = 'app01'")
    assert [c.tag.split("}")[1] for c in items[0]] == ["ElementName"]


def test_wql_isa_finds_subclasses(lab):
    items = lab.enumerate_all(V2 + "/*", "SELECT * FROM CIM_ManagedElement WHERE __CLASS ISA 'CIM_Service'")
    assert any(i.tag.endswith("Msvm_ReplicationService") for i in items)


def test_wql_associators_of_a_vm_finds_its_replication_settings(lab):
    vm = lab.vms()["app01"]
    q = ("ASSOCIATORS OF {Msvm_ComputerSystem.CreationClassName=\"Msvm_ComputerSystem\",Name=\"%s\"} "
         "WHERE ResultClass = Msvm_ReplicationSettingData" % vm)
    items = lab.enumerate_all(V2 + "/*", q)
    assert len(items) == 1
    assert items[0].find("{%s}VirtualSystemIdentifier" % RSD).text == vm


def test_wql_references_of_a_vm(lab):
    vm = lab.vms()["web01"]
    q = ("REFERENCES OF {Msvm_ComputerSystem.CreationClassName=\"Msvm_ComputerSystem\",Name=\"%s\"} "
         "WHERE ResultClass = Msvm_SettingsDefineState" % vm)
    items = lab.enumerate_all(V2 + "/*", q)
    assert len(items) == 1


def _association_filter(kind, vm, result_class=None, assoc_class=None):
    f = ET.Element("{%s}%s" % (NS["b"], kind))
    obj = ET.SubElement(f, "{%s}Object" % NS["b"])
    ET.SubElement(obj, "{%s}Address" % NS["a"]).text = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
    rp = ET.SubElement(obj, "{%s}ReferenceParameters" % NS["a"])
    ET.SubElement(rp, "{%s}ResourceURI" % NS["w"]).text = CS
    ss = ET.SubElement(rp, "{%s}SelectorSet" % NS["w"])
    ET.SubElement(ss, "{%s}Selector" % NS["w"], Name="CreationClassName").text = "Msvm_ComputerSystem"
    ET.SubElement(ss, "{%s}Selector" % NS["w"], Name="Name").text = vm
    if assoc_class:
        ET.SubElement(f, "{%s}AssociationClassName" % NS["b"]).text = assoc_class
    if result_class:
        ET.SubElement(f, "{%s}ResultClassName" % NS["b"]).text = result_class
    return f


def test_dsp0227_associated_instances(lab):
    vm = lab.vms()["db01"]
    items = lab.enumerate_all("http://schemas.dmtf.org/wbem/wscim/1/*",
                              _association_filter("AssociatedInstances", vm, result_class="Msvm_VirtualSystemSettingData"),
                              dialect=ASSOC)
    assert len(items) == 1
    assert items[0].find("{%s}VirtualSystemIdentifier" % VSSD).text == vm


def test_dsp0227_association_instances(lab):
    vm = lab.vms()["db01"]
    items = lab.enumerate_all("http://schemas.dmtf.org/wbem/wscim/1/*",
                              _association_filter("AssociationInstances", vm, result_class="Msvm_SettingsDefineState"),
                              dialect=ASSOC)
    assert len(items) == 1
    assert items[0].tag.endswith("Msvm_SettingsDefineState")


def test_selector_filter(lab):
    vm = lab.vms()["web01"]
    flt = ET.Element("{%s}SelectorSet" % NS["w"])
    ET.SubElement(flt, "{%s}Selector" % NS["w"], Name="Name").text = vm
    items = lab.enumerate_all(CS, flt, dialect=SELFILTER)
    assert names(items) == ["web01"]


def test_wsl_plain_and_optimized_enumeration(lab):
    rc, out = lab.wsl("wslenum", CS)
    assert rc == 0 and "web01" in out
    rc, out = lab.wsl("wsl", "enum", CS)
    assert rc == 0 and "app01" in out and "db01" in out


def test_wsl_wql_enumeration(lab):
    rc, out = lab.wsl("wsl", "enum", V2 + "/*", "-dialect", WQL,
                      "-filter", "SELECT * FROM Msvm_ComputerSystem WHERE ElementName='db01'")
    assert rc == 0
    assert "db01" in out and "app01" not in out


def test_wsl_object_and_epr_with_pull(lab):
    rc, out = lab.wsl("wsl", "enum", CS, "-mode", "objepr", "-opti", "1")
    assert rc == 0
    assert "web01" in out  # the last element comes from a Pull


def test_wsl_association_filter(lab):
    vm = lab.vms()["app01"]
    # wsl's -references sends AssociatedInstances (its flags are swapped, see wsman-wire.md §7.1).
    rc, out = lab.wsl("wsl", "enum", CS, "-ns", "root/virtualization/v2", "-references",
                      "CreationClassName=Msvm_ComputerSystem", f"Name={vm}")
    assert rc == 0
    assert "Msvm_ReplicationSettingData" in out or "Msvm_VirtualSystemSettingData" in out


def test_unknown_filter_dialect_faults(lab):
    with pytest.raises(WSManFaultError) as e:
        lab.enumerate_all(CS, "SELECT * FROM x", dialect="http://schemas.dmtf.org/wbem/cql/1/dsp0202.pdf")
    assert e.value.code == 2150858777


def test_bad_wql_faults(lab):
    with pytest.raises(WSManFaultError) as e:
        lab.enumerate_all(V2 + "/*", "SELECT * FROM WHERE")
    assert e.value.code in (2150858778, 2150859042)


def test_pull_on_an_unknown_context_faults(lab):
    pull = ET.Element("{%s}Pull" % NS["n"])
    ET.SubElement(pull, "{%s}EnumerationContext" % NS["n"]).text = "uuid:00000000-0000-0000-0000-000000000000"
    with pytest.raises(WSManFaultError) as e:
        lab.psrp.pull(CS, pull)
    assert e.value.code == 2150858779
