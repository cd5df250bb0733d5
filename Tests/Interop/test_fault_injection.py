"""WMILab_Fault instances created over WS-Man change what methods answer, and count their firings."""
import time
import xml.etree.ElementTree as ET

from lab import LABNS, NS, RS, selector_set

FAULT = LABNS + "/WMILab_Fault"


def create_fault(lab, fault_id, **props):
    new = ET.Element("{%s}WMILab_Fault" % FAULT)
    ET.SubElement(new, "{%s}FaultID" % FAULT).text = fault_id
    for k, v in props.items():
        ET.SubElement(new, "{%s}%s" % (FAULT, k)).text = str(v)
    lab.psrp.create(FAULT, new)


def request_state_change(lab):
    inp = ET.Element("{%s}RequestStateChange_INPUT" % RS)
    ET.SubElement(inp, "{%s}RequestedState" % RS).text = "3"
    resp = lab.psrp.invoke(RS + "/RequestStateChange", RS, inp,
                           selector_set=selector_set(lab.replication_service_keys()))
    return resp.find("s:Body/{%s}RequestStateChange_OUTPUT/{%s}ReturnValue" % (RS, RS), NS).text


def test_injected_return_code_fires_as_often_as_asked(lab):
    create_fault(lab, "inject-rc", Kind=1, TargetNamespace="root/virtualization/v2",
                 TargetClass="Msvm_ReplicationService", TargetMethod="RequestStateChange",
                 ReturnCode=32768, RemainingCount=1)
    try:
        assert request_state_change(lab) == "32768"
        assert request_state_change(lab) == "1"  # spent: the real answer again
        fault = lab.psrp.get(FAULT, selector_set=selector_set([("FaultID", "inject-rc")]))[0]
        assert fault.find("{%s}TriggeredCount" % FAULT).text == "1"
        assert fault.find("{%s}RemainingCount" % FAULT).text == "0"
    finally:
        lab.psrp.delete(FAULT, selector_set=selector_set([("FaultID", "inject-rc")]))


def test_injected_delay_holds_the_call(lab):
    create_fault(lab, "inject-delay", Kind=2, TargetMethod="RequestStateChange", DelaySeconds=1, RemainingCount=1)
    try:
        started = time.monotonic()
        assert request_state_change(lab) == "1"
        assert time.monotonic() - started >= 1.0
    finally:
        lab.psrp.delete(FAULT, selector_set=selector_set([("FaultID", "inject-delay")]))
