"""Invoke: lab disk I/O through all three clients, embedded-instance parameters in every form."""
import base64
import hashlib
import os
import xml.etree.ElementTree as ET

import pytest
from pypsrp.exceptions import WSManFaultError

from lab import LABNS, NS, RS, V2, selector_set, selectors_of

DISK = LABNS + "/WMILab_VirtualDisk"
RSSD = V2 + "/Msvm_ReplicationServiceSettingData"


def disk_of(lab, vm_name):
    items = lab.enumerate_all(LABNS + "/*", f"SELECT * FROM WMILab_VirtualDisk WHERE VirtualMachineName = '{vm_name}'")
    assert len(items) == 1
    return items[0].find("{%s}DeviceID" % DISK).text, int(items[0].find("{%s}SizeBytes" % DISK).text)


def psrp_invoke(lab, method, device_id, **params):
    inp = ET.Element("{%s}%s_INPUT" % (DISK, method))
    for k, v in params.items():
        ET.SubElement(inp, "{%s}%s" % (DISK, k)).text = str(v)
    resp = lab.psrp.invoke(DISK + "/" + method, DISK, inp, selector_set=selector_set([("DeviceID", device_id)]))
    return resp.find("s:Body/{%s}%s_OUTPUT" % (DISK, method), NS)


def test_write_read_digest_with_pypsrp(lab):
    device, size = disk_of(lab, "app01")
    assert size == 256 * 1024 * 1024
    data = os.urandom(100_000)
    out = psrp_invoke(lab, "WriteData", device, Offset=1_000_000, Base64Data=base64.b64encode(data).decode())
    assert out.find("{%s}ReturnValue" % DISK).text == "0"
    out = psrp_invoke(lab, "ReadData", device, Offset=1_000_000, Length=len(data))
    assert base64.b64decode(out.find("{%s}Base64Data" % DISK).text) == data
    # The digest covers the whole logical disk: zeros around what was written.
    expected = hashlib.sha256()
    expected.update(bytes(1_000_000))
    expected.update(data)
    remaining = size - 1_000_000 - len(data)
    chunk = bytes(1 << 20)
    while remaining:
        n = min(remaining, len(chunk))
        expected.update(chunk[:n])
        remaining -= n
    out = psrp_invoke(lab, "GetDigest", device)
    assert out.find("{%s}Sha256" % DISK).text.lower() == expected.hexdigest()


def test_read_with_pywinrm(lab):
    device, _ = disk_of(lab, "db01")
    data = b"wmilab over pywinrm"
    psrp_invoke(lab, "WriteData", device, Offset=4096, Base64Data=base64.b64encode(data).decode())
    body = {"p:ReadData_INPUT": {"@xmlns:p": DISK, "p:Offset": "4096", "p:Length": str(len(data))}}
    r = lab.winrm_call(DISK + "/ReadData", DISK, [("DeviceID", device)], body)
    out = r.find("s:Body/{%s}ReadData_OUTPUT" % DISK, NS)
    assert base64.b64decode(out.find("{%s}Base64Data" % DISK).text) == data
    assert out[-1].tag == "{%s}ReturnValue" % DISK  # ReturnValue comes last


def test_wsl_invoke_with_an_embedded_instance(lab):
    # wsl invoke enumerates the class (EnumerateEPR), copies the first EPR's selectors into its Invoke and
    # inserts Name=RFILE:file parameters verbatim, so the embedded instance goes pre-escaped. (wsl's shell
    # loop drops backslashes from copied selectors, so it cannot address WMILab_VirtualDisk's path keys.)
    rsd = ("&lt;INSTANCE CLASSNAME=\"Msvm_ReplicationServiceSettingData\"&gt;"
           "&lt;PROPERTY NAME=\"HttpsPort\" TYPE=\"uint16\"&gt;&lt;VALUE&gt;8443&lt;/VALUE&gt;&lt;/PROPERTY&gt;"
           "&lt;/INSTANCE&gt;")
    rc, out = lab.wsl("wsl", "invoke", RS, "ModifyServiceSettings", "SettingData=RFILE:" + lab.wsl_file("rsd.txt", rsd))
    assert rc == 0, out
    assert "ModifyServiceSettings_OUTPUT" in out
    assert _service_settings(lab).find("{%s}HttpsPort" % RSSD).text == "8443"


def test_out_of_range_read_is_refused_with_invalid_parameter(lab):
    device, size = disk_of(lab, "app01")
    out = psrp_invoke(lab, "ReadData", device, Offset=size - 10, Length=100)
    assert out.find("{%s}ReturnValue" % DISK).text == "5"  # Invalid Parameter (the class ValueMap)


def test_wrong_parameter_type_faults(lab):
    device, _ = disk_of(lab, "app01")
    with pytest.raises(WSManFaultError) as e:
        psrp_invoke(lab, "ReadData", device, Offset="not-a-number", Length=1)
    assert e.value.code == 2150858810 or "Offset" in (e.value.reason or "")


def test_unknown_method_faults(lab):
    device, _ = disk_of(lab, "app01")
    with pytest.raises(WSManFaultError) as e:
        psrp_invoke(lab, "Defragment", device)
    assert e.value.code == 2150858771  # ActionNotSupported


def _service_settings(lab):
    items = lab.enumerate_all(RSSD)
    assert len(items) == 1
    return items[0]


@pytest.mark.parametrize("form", ["cimxml", "mof", "element"])
def test_modify_service_settings_accepts_every_embedded_instance_form(lab, form):
    port = {"cimxml": "8081", "mof": "8082", "element": "8083"}[form]
    instance_id = _service_settings(lab).find("{%s}InstanceID" % RSSD).text
    inp = ET.Element("{%s}ModifyServiceSettings_INPUT" % RS)
    param = ET.SubElement(inp, "{%s}SettingData" % RS)
    if form == "cimxml":  # what GetText(2) produces, escaped by ElementTree
        param.text = ('<INSTANCE CLASSNAME="Msvm_ReplicationServiceSettingData">'
                      f'<PROPERTY NAME="InstanceID" TYPE="string"><VALUE>{instance_id}</VALUE></PROPERTY>'
                      f'<PROPERTY NAME="HttpPort" TYPE="uint16"><VALUE>{port}</VALUE></PROPERTY>'
                      '</INSTANCE>')
    elif form == "mof":
        escaped = instance_id.replace("\\", "\\\\")
        param.text = f'instance of Msvm_ReplicationServiceSettingData {{ InstanceID = "{escaped}"; HttpPort = {port}; }};'
    else:  # DSP0230 nested element
        inst = ET.SubElement(param, "{%s}Msvm_ReplicationServiceSettingData" % RSSD)
        inst.set("{http://www.w3.org/2001/XMLSchema-instance}type", "Msvm_ReplicationServiceSettingData_Type")
        ET.SubElement(inst, "{%s}InstanceID" % RSSD).text = instance_id
        ET.SubElement(inst, "{%s}HttpPort" % RSSD).text = port
    resp = lab.psrp.invoke(RS + "/ModifyServiceSettings", RS, inp,
                           selector_set=selector_set(lab.replication_service_keys()))
    out = resp.find("s:Body/{%s}ModifyServiceSettings_OUTPUT" % RS, NS)
    assert out.find("{%s}ReturnValue" % RS).text in ("0", "4096")
    if out.find("{%s}ReturnValue" % RS).text == "4096":
        lab.wait_for_job(out.find("{%s}Job" % RS))
    assert _service_settings(lab).find("{%s}HttpPort" % RSSD).text == port


@pytest.mark.parametrize("text", [
    # A character MOF has no token for, inside a declaration.
    'instance of Msvm_ReplicationServiceSettingData { HttpPort = @; };',
    # MOF text goes on after the instance: a class declaring a new property twice, and an instance of it.
    'instance of Msvm_ReplicationServiceSettingData { HttpPort = 1; };\n'
    'class Lab_Twice : Msvm_ReplicationServiceSettingData { uint16 Extra; uint16 Extra; };\n'
    'instance of Lab_Twice { HttpPort = 2; };',
], ids=["stray-character", "duplicate-property"])
def test_embedded_instance_as_malformed_mof_text_faults_and_the_server_keeps_serving(lab, text):
    before = _service_settings(lab).find("{%s}HttpPort" % RSSD).text
    inp = ET.Element("{%s}ModifyServiceSettings_INPUT" % RS)
    param = ET.SubElement(inp, "{%s}SettingData" % RS)
    param.text = text
    with pytest.raises(WSManFaultError) as e:
        lab.psrp.invoke(RS + "/ModifyServiceSettings", RS, inp,
                        selector_set=selector_set(lab.replication_service_keys()))
    assert e.value.code == 2150858810  # InvalidParameter
    assert _service_settings(lab).find("{%s}HttpPort" % RSSD).text == before


def test_replication_service_state_change_is_not_supported_as_on_windows(lab):
    inp = ET.Element("{%s}RequestStateChange_INPUT" % RS)
    ET.SubElement(inp, "{%s}RequestedState" % RS).text = "3"
    resp = lab.psrp.invoke(RS + "/RequestStateChange", RS, inp,
                           selector_set=selector_set(lab.replication_service_keys()))
    assert resp.find("s:Body/{%s}RequestStateChange_OUTPUT/{%s}ReturnValue" % (RS, RS), NS).text == "1"


def test_value_outside_the_value_map_is_refused(lab):
    inp = ET.Element("{%s}RequestStateChange_INPUT" % RS)
    ET.SubElement(inp, "{%s}RequestedState" % RS).text = "77"
    with pytest.raises(WSManFaultError) as e:
        lab.psrp.invoke(RS + "/RequestStateChange", RS, inp,
                        selector_set=selector_set(lab.replication_service_keys()))
    assert e.value.code == 2150858810
