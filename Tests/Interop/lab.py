"""The three real WS-Man clients of the interop suite, pointed at one wmilab server.

pypsrp and pywinrm are driven the way clients.md shows; wsl runs as a subprocess with its own
HOME. Nothing here builds WS-Man envelopes itself except `raw`, which exists to send bytes no
client would (hostile input).
"""
import http.client
import os
import subprocess
import tempfile
import xml.etree.ElementTree as ET

import xmltodict
from pypsrp.wsman import NAMESPACES, SelectorSet, WSMan
from winrm.protocol import Protocol

V2 = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2"
LABNS = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/wmilab"
CS, RS = V2 + "/Msvm_ComputerSystem", V2 + "/Msvm_ReplicationService"
VSMS = V2 + "/Msvm_VirtualSystemManagementService"
WQL = "http://schemas.microsoft.com/wbem/wsman/1/WQL"
ASSOC = "http://schemas.dmtf.org/wbem/wsman/1/cimbinding/associationFilter"
SELFILTER = "http://schemas.dmtf.org/wbem/wsman/1/wsman/SelectorFilter"
T = "http://schemas.xmlsoap.org/ws/2004/09/transfer/"
E = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/"
ANON = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
NS = dict(NAMESPACES, s="http://www.w3.org/2003/05/soap-envelope", w=NAMESPACES["wsman"],
          n=NAMESPACES["wsen"], a=NAMESPACES["wsa"],
          b="http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd",
          f="http://schemas.microsoft.com/wbem/wsman/1/wsmanfault")
USER, PASSWORD = "labuser", "LabPass1!"


def selector_set(pairs):
    ss = SelectorSet()
    for k, v in pairs:
        ss.add_option(k, v)
    return ss


def selectors_of(element):
    """Selector name → text of every w:Selector under an EPR-bearing element."""
    return {s.get("Name"): s.text for s in element.iter("{%s}Selector" % NS["w"])}


class Lab:
    def __init__(self, server):
        self.server = server
        self.psrp = WSMan("127.0.0.1", port=server.port, ssl=False, path="wsman", auth="basic",
                          encryption="never", username=USER, password=PASSWORD,
                          cert_validation=False, no_proxy=True)
        self.winrm = Protocol(server.url, transport="basic", username=USER, password=PASSWORD,
                              server_cert_validation="ignore", proxy=None)

    # -- pywinrm: envelopes through build_wsman_header, as clients.md §2 does ------------------
    def winrm_call(self, action, resource_uri, selectors=(), body=None):
        env = self.winrm.build_wsman_header(action=action, resource_uri=resource_uri)
        if selectors:
            env["env:Header"]["w:SelectorSet"] = {
                "w:Selector": [{"@Name": k, "#text": v} for k, v in selectors]}
        env["env:Body"] = body or {}
        return ET.fromstring(self.winrm.send_message(xmltodict.unparse({"env:Envelope": env})))

    # -- wsl ----------------------------------------------------------------------------------
    def wsl(self, *args, timeout=60):
        """Runs a wsl command; returns (exit status, last response text)."""
        home = tempfile.mkdtemp(prefix="wsl-")
        env = dict(os.environ, HOME=home, WSENDPOINT=f"127.0.0.1:{self.server.port}", WSNOSSL="true",
                   WSUSER=USER, WSPASS=PASSWORD, KEEPHISTORY="0", OUTLEVEL="1")
        proc = subprocess.run(list(args), cwd=home, env=env, capture_output=True, text=True, timeout=timeout)
        response = ""
        path = os.path.join(home, "response.xml")
        if os.path.exists(path):
            with open(path) as f:
                response = f.read()
        return proc.returncode, response + proc.stdout

    def wsl_file(self, name, content):
        """Writes a file wsl can take as FILE:/RFILE: input; returns its path."""
        d = tempfile.mkdtemp(prefix="wsl-in-")
        path = os.path.join(d, name)
        with open(path, "w") as f:
            f.write(content)
        return path

    # -- raw HTTP, for bytes no real client sends ----------------------------------------------
    def raw(self, body: bytes, headers=None, auth=True, timeout=30):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=timeout)
        h = {"Content-Type": "application/soap+xml;charset=UTF-8"}
        if auth:
            import base64
            h["Authorization"] = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        h.update(headers or {})
        conn.request("POST", "/wsman", body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        conn.close()
        return r.status, dict(r.getheaders()), data

    # -- shared look-ups ------------------------------------------------------------------------
    def enumerate_all(self, resource_uri, filter_text=None, dialect=WQL, mode=None):
        """Optimized pypsrp enumeration, pulling to the end; returns the item elements."""
        enum = ET.Element("{%s}Enumerate" % NS["n"])
        ET.SubElement(enum, "{%s}OptimizeEnumeration" % NS["w"])
        ET.SubElement(enum, "{%s}MaxElements" % NS["w"]).text = "2"
        if mode:
            ET.SubElement(enum, "{%s}EnumerationMode" % NS["w"]).text = mode
        if filter_text is not None:
            flt = ET.SubElement(enum, "{%s}Filter" % NS["w"], Dialect=dialect)
            if isinstance(filter_text, str):
                flt.text = filter_text
            else:
                flt.append(filter_text)
        er = self.psrp.enumerate(resource_uri, enum).find("n:EnumerateResponse", NS)
        items = list(er.find("w:Items", NS) if er.find("w:Items", NS) is not None else [])
        ctx = None if er.find("w:EndOfSequence", NS) is not None else er.find("n:EnumerationContext", NS).text
        while ctx:
            pull = ET.Element("{%s}Pull" % NS["n"])
            ET.SubElement(pull, "{%s}EnumerationContext" % NS["n"]).text = ctx
            ET.SubElement(pull, "{%s}MaxElements" % NS["n"]).text = "2"
            pr = self.psrp.pull(resource_uri, pull).find("n:PullResponse", NS)
            items += list(pr.find("n:Items", NS))
            ctx = None if pr.find("n:EndOfSequence", NS) is not None else pr.find("n:EnumerationContext", NS).text
        return items

    def vms(self):
        """ElementName → Name (GUID) of the lab's virtual machines."""
        items = self.enumerate_all(V2 + "/*", "SELECT * FROM Msvm_ComputerSystem WHERE Caption = 'Virtual Machine'")
        return {i.find("{%s}ElementName" % CS).text: i.find("{%s}Name" % CS).text for i in items}

    def host_name(self):
        items = self.enumerate_all(V2 + "/*", "SELECT * FROM Msvm_ComputerSystem WHERE Caption = 'Hosting Computer System'")
        assert len(items) == 1
        return items[0].find("{%s}Name" % CS).text

    def replication_service_keys(self):
        return self.service_keys(RS)

    def service_keys(self, uri):
        """The selectors of the host's one instance of a CIM_Service class (Msvm_ReplicationService, …)."""
        items = self.enumerate_all(uri)
        assert len(items) == 1
        inst = items[0]
        return [(k, inst.find("{%s}%s" % (uri, k)).text)
                for k in ("CreationClassName", "Name", "SystemCreationClassName", "SystemName")]

    def wait_for_job(self, job_epr, timeout=60):
        """Polls the job an Invoke returned (by its InstanceID selector) until it ends; returns it."""
        import time
        job_uri = job_epr.find(".//{%s}ResourceURI" % NS["w"]).text
        keys = [(k, v) for k, v in selectors_of(job_epr).items() if k != "__cimnamespace"]
        deadline = time.time() + timeout
        while True:
            body = self.psrp.get(job_uri, selector_set=selector_set(keys))
            job = body[0]
            state = int(job.find("{%s}JobState" % job_uri).text)
            if state not in (2, 3, 4, 5, 6):
                return job
            assert time.time() < deadline, "job did not finish"
            time.sleep(0.2)
