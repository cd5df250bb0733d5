"""Faults as each client sees them: subcode, WSManFault code, WMI error code."""
import pytest
from pypsrp.exceptions import WSManFaultError
from winrm.exceptions import WSManFaultError as WinRMFault

from lab import CS, RS, T, V2, selector_set


def test_unknown_class_pypsrp(lab):
    with pytest.raises(WSManFaultError) as e:
        lab.psrp.get(V2 + "/Msvm_NoSuchClass", selector_set=selector_set([("Name", "x")]))
    assert e.value.code in (2150858770, 2150858811)
    assert e.value.machine  # Windows always names the machine


def test_unknown_namespace_pywinrm(lab):
    with pytest.raises(WinRMFault) as e:
        lab.winrm_call(T + "Get", "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/nowhere/Msvm_ComputerSystem",
                       [("Name", "x")])
    assert e.value.code == 500
    assert e.value.fault_code == "s:Sender"
    assert e.value.wmierror_code is not None


def test_unknown_selector_pywinrm(lab):
    with pytest.raises(WinRMFault) as e:
        lab.winrm_call(T + "Get", RS, [("Colour", "blue")])
    assert e.value.fault_subcode == "w:InvalidSelectors"
    assert e.value.wsman_fault_code == 2150858813


def test_missing_instance_reports_wmi_not_found(lab):
    with pytest.raises(WinRMFault) as e:
        lab.winrm_call(T + "Get", CS, [("CreationClassName", "Msvm_ComputerSystem"),
                                       ("Name", "00000000-0000-0000-0000-000000000000")])
    assert e.value.wmierror_code == 2147749890  # WBEM_E_NOT_FOUND


def test_wsl_sees_a_fault_and_the_server_answers_its_retry(lab):
    rc, out = lab.wsl("wsl", "get", CS, "CreationClassName=Msvm_ComputerSystem", "Name=nope")
    assert rc != 0
    assert "Fault" in out


def test_mustunderstand_header_that_is_not_understood(lab):
    body = (b'<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
            b'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
            b'xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:z="urn:unknown">'
            b'<s:Header><a:Action s:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/09/transfer/Get</a:Action>'
            b'<a:MessageID>uuid:1</a:MessageID><w:ResourceURI>' + CS.encode() + b'</w:ResourceURI>'
            b'<z:Frobnicate s:mustUnderstand="true">1</z:Frobnicate></s:Header><s:Body/></s:Envelope>')
    status, _, data = lab.raw(body)
    assert status == 500
    assert b"MustUnderstand" in data
