"""Multi-host Hyper-V Replica labs for the interop suite, and the automation Windows' cmdlets perform.

A lab is several `wmilab serve` processes that know each other as replication peers (`--peer NAME=ADDR:PORT`)
and run on lab time (`--time-scale`). `Replica` drives one host through pypsrp exactly as Enable-VMReplication,
Start-VMInitialReplication, Start-VMFailover & co. drive WMI (../shared/reference/wmi-replication-model.md §A):
WQL look-ups, association walks, CIM-XML (GetText(2)-style) embedded instances, jobs polled to the end.

Run the scenarios (test_replica_*.py, one lab of fresh data directories per module):
    WMILAB_BIN=$PWD/.build/debug/wmilab python3 -m pytest -q -p no:cacheprovider Tests/Interop -k replica
"""
import base64
import contextlib
import datetime
import re
import tempfile
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from conftest import Server, _free_port
from lab import ASSOC, LABNS, NS, RS, V2, VSMS, Lab, selector_set, selectors_of

# Lab seconds per wall second: a 30 s ReplicationInterval passes in 0.5 s.
TIME_SCALE = 60
# Every host of a lab shares this secret for its replication traffic.
SECRET_ARGS = ["--replication-secret", "lab-secret"]
REPLICA_STORAGE = "C:\\Replica"
INTERVAL = 30  # ReplicationInterval, lab seconds
INTERVAL_WALL = INTERVAL / TIME_SCALE
WRITE_CHUNK = 256 * 1024
READ_CHUNK = 96 * 1024

CS = V2 + "/Msvm_ComputerSystem"
RSSD = V2 + "/Msvm_ReplicationServiceSettingData"
DISK = LABNS + "/WMILab_VirtualDisk"
FAULT = LABNS + "/WMILab_Fault"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
ANON = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
CIM_COMMON = "http://schemas.dmtf.org/wbem/wscim/1/common"

# ReplicationState (A.5) and ReplicationMode (A.9) values the scenarios use.
READY, WAITING_IR, REPLICATING, SYNCED, RECOVERED, COMMITTED = 1, 2, 3, 4, 5, 6
PRIMARY, REPLICA, TEST_REPLICA, EXTENDED_REPLICA = 1, 2, 3, 4
INVALID_STATE = 32775


def other_secret_args(secret):
    """Arguments that give one host a replication secret different from the rest of its lab."""
    return ["--replication-secret", secret]


# -- hosts ---------------------------------------------------------------------------------------

class LabHost:
    """One emulated Hyper-V host: a `wmilab serve` on a fixed port and data directory, restartable."""

    def __init__(self, name, port, data_dir, args):
        self.name, self.port, self.data_dir, self.args = name, port, data_dir, list(args)
        self.server = None
        self.replica = None

    def start(self):
        try:
            self.server = Server(self.data_dir, extra_args=self.args, port=self.port)
        except RuntimeError as e:  # the log goes with the lab's temporary directory: show it now
            raise RuntimeError(f"{self.name}: {e}: {self.log_tail()}") from None
        self.replica = Replica(Lab(self.server), self.name)
        return self

    def kill(self):
        """kill -9, as a crashed host."""
        self.server.proc.kill()
        self.server.proc.wait()
        self.server.log.close()

    def restart(self):
        """Starts again on the same data directory, port and arguments."""
        return self.start()

    def log_tail(self, lines=20):
        path = self.data_dir.parent / f"server-{self.port}.log"
        return path.read_text(errors="replace").splitlines()[-lines:] if path.exists() else []

    def stop(self):
        if self.server is not None and self.server.alive():
            self.server.stop()


@contextlib.contextmanager
def running_lab(*names, time_scale=TIME_SCALE, secrets=None, peer_addresses=None, extra_args=None):
    """Starts one host per name, each a peer of all the others; yields name → LabHost.

    `secrets` maps a host name to its own `--replication-secret` arguments (default SECRET_ARGS);
    `peer_addresses` maps a host name to where its peers reach it (default its HTTP port, e.g.
    `https://127.0.0.1:PORT` for a host with an HTTPS listener); `extra_args` maps a host name to more
    `wmilab serve` arguments.
    """
    secrets = secrets or {}
    peer_addresses = peer_addresses or {}
    extra_args = extra_args or {}
    with tempfile.TemporaryDirectory(prefix="wmilab-replica-") as tmp:
        ports = {name: _free_port() for name in names}
        hosts = {}
        try:
            for name in names:
                peers = [a for other in names if other != name
                         for a in ("--peer", f"{other}={peer_addresses.get(other, f'127.0.0.1:{ports[other]}')}")]
                args = ["--host-name", name, "--time-scale", str(time_scale), *peers,
                        *secrets.get(name, SECRET_ARGS), *extra_args.get(name, [])]
                hosts[name] = LabHost(name, ports[name], Path(tmp) / name / "data", args)
                (Path(tmp) / name).mkdir()
                hosts[name].start()
            yield hosts
            dead = {name: host.log_tail() for name, host in hosts.items() if not host.server.alive()}
            assert not dead, f"hosts died during the tests: {dead}"
        finally:
            for host in hosts.values():
                host.stop()


def lab_fixture(*names, recovery_servers=(), secrets=None):
    """A module-scoped fixture: a fresh lab of these hosts (fresh data dirs), the given ones already
    configured as recovery servers accepting any primary."""
    @pytest.fixture(scope="module")
    def hosts():
        with running_lab(*names, secrets=secrets) as running:
            for name in recovery_servers:
                running[name].replica.enable_recovery_server()
            yield running
    return hosts


# -- instances as dictionaries ---------------------------------------------------------------------

def props(instance):
    """Property name → text (None when xsi:nil, a list when repeated, the element when it holds an EPR)."""
    collected = {}
    for child in instance:
        if child.get(XSI_NIL) == "true":
            value = None
        elif len(child) == 0:
            value = child.text if child.text is not None else ""
        elif child.find("{%s}ReferenceParameters" % NS["a"]) is not None:
            value = child
        else:  # cim:Datetime / cim:Interval / cim:Date wrappers
            value = child[0].text
        collected.setdefault(child.tag.split("}")[-1], []).append(value)
    return {k: v[0] if len(v) == 1 else v for k, v in collected.items()}


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def cimxml_properties(text):
    """Property name → text of a CIM-XML `<INSTANCE>` (what GetReplicationStatistics returns embedded)."""
    root = ET.fromstring(text)
    out = {"__CLASS": root.get("CLASSNAME")}
    for p in root:
        value = p.find("VALUE")
        if p.tag == "PROPERTY.ARRAY":
            out[p.get("NAME")] = [v.text for v in p.iter("VALUE")]
        else:
            out[p.get("NAME")] = value.text if value is not None else None
    return out


# CIM types of Msvm_ReplicationSettingData (A.4 and its CIM_VirtualSystemSettingData / CIM_SettingData parents),
# for GetText(2); properties not listed are strings.
_RSD_TYPES = {
    "Generation": "uint64",
    "ChangeableType": "uint16",
    **dict.fromkeys(["AuthenticationType", "RecoveryServerPortNumber", "ApplicationConsistentSnapshotInterval",
                     "RecoveryHistory", "ReplicationInterval", "AutomaticStartupAction",
                     "AutomaticStartupActionSequenceNumber", "AutomaticShutdownAction", "AutomaticRecoveryAction"],
                    "uint16"),
    **dict.fromkeys(["CompressionEnabled", "BypassProxyServer", "ReplicateHostKvpItems", "AutoResynchronizeEnabled",
                     "EnableWriteOrderPreservationAcrossDisks"], "boolean"),
    **dict.fromkeys(["CreationTime", "AutomaticStartupActionDelay", "AutoResynchronizeIntervalStart",
                     "AutoResynchronizeIntervalEnd"], "datetime"),
}
_RSD_ARRAYS = {"Notes", "IncludedDisks", "ComponentSetting"}


def cim_datetime(text):
    """WS-Man xs:dateTime / xs:duration → the CIM datetime / interval string GetText(2) writes."""
    m = re.fullmatch(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.(\d+))?S)?)?", text)
    if m:
        d, h, mi, s = (int(g or 0) for g in m.groups()[:4])
        micro = int((m.group(5) or "0")[:6].ljust(6, "0"))
        return "%08d%02d%02d%02d.%06d:000" % (d, h, mi, s, micro)
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)?", text)
    if m:
        y, mo, d, h, mi, s, frac, tz = m.groups()
        offset = 0
        if tz and tz != "Z":
            offset = (1 if tz[0] == "+" else -1) * (int(tz[1:3]) * 60 + int(tz[4:6]))
        return "%s%s%s%s%s%s.%s%s%03d" % (y, mo, d, h, mi, s, (frac or "0")[:6].ljust(6, "0"),
                                          "+" if offset >= 0 else "-", abs(offset))
    return text  # already CIM form


def lab_time(text):
    """An xs:dateTime the server wrote → aware datetime."""
    text = text.replace("Z", "+00:00")
    if "." in text:  # Python before 3.11 takes at most six fraction digits
        head, rest = text.split(".", 1)
        digits = "".join(c for c in rest if c.isdigit())
        text = head + "." + digits[:6].ljust(6, "0") + rest[len(digits):]
    return datetime.datetime.fromisoformat(text)


def cim_datetime_element(when, name="StartTime"):
    """A datetime parameter as PowerShell sends it: <p:StartTime><cim:Datetime>…</cim:Datetime></p:StartTime>."""
    element = ET.Element(name)
    ET.SubElement(element, "{%s}Datetime" % CIM_COMMON).text = when.astimezone(datetime.timezone.utc) \
        .strftime("%Y-%m-%dT%H:%M:%SZ")
    return element


def rsd_text(rsd, **changes):
    """The RSD (as read, with changes) as `<INSTANCE CLASSNAME="Msvm_ReplicationSettingData">` CIM-XML text."""
    values = dict(rsd, **changes)
    parts = ['<INSTANCE CLASSNAME="Msvm_ReplicationSettingData">']
    for name, value in values.items():
        cim_type = _RSD_TYPES.get(name, "string")
        if name in _RSD_ARRAYS:
            items = "".join(f"<VALUE>{escape(str(v))}</VALUE>" for v in as_list(value))
            body = f"<VALUE.ARRAY>{items}</VALUE.ARRAY>" if value is not None else ""
            parts.append(f'<PROPERTY.ARRAY NAME="{name}" TYPE="{cim_type}">{body}</PROPERTY.ARRAY>')
            continue
        if value is None:
            parts.append(f'<PROPERTY NAME="{name}" TYPE="{cim_type}"></PROPERTY>')
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif cim_type == "datetime":
            value = cim_datetime(str(value))
        parts.append(f'<PROPERTY NAME="{name}" TYPE="{cim_type}"><VALUE>{escape(str(value))}</VALUE></PROPERTY>')
    parts.append("</INSTANCE>")
    return "".join(parts)


def wql_path_value(text):
    """A key value inside a WQL object path: backslashes and quotes escaped."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


# -- one host, driven as Windows automation drives it --------------------------------------------------

class Replica:
    """Hyper-V Replica automation against one host (pypsrp)."""

    def __init__(self, lab, host_name):
        self.lab = lab
        self.host_name = host_name

    # look-ups ------------------------------------------------------------------------------------
    def query(self, wql):
        return [props(i) for i in self.lab.enumerate_all(V2 + "/*", wql)]

    def find_vm(self, element_name):
        """Name (GUID) of the only VM with this ElementName (Get-VM app01)."""
        vms = self.query(f"SELECT * FROM Msvm_ComputerSystem WHERE ElementName='{element_name}'")
        assert len(vms) == 1, f"{self.host_name}: {len(vms)} VMs named {element_name}"
        return vms[0]["Name"]

    def vms_named(self, element_name):
        """GUIDs of every VM with this ElementName (a recovery host may hold its own app01 and a replica's)."""
        return [v["Name"] for v in self.query(f"SELECT * FROM Msvm_ComputerSystem WHERE ElementName='{element_name}'")]

    def vm(self, guid):
        """The Msvm_ComputerSystem of a VM by its Name GUID, or None."""
        vms = self.query(f"SELECT * FROM Msvm_ComputerSystem WHERE Name='{guid}'")
        assert len(vms) <= 1
        return vms[0] if vms else None

    def vm_path(self, guid):
        return f'Msvm_ComputerSystem.CreationClassName="Msvm_ComputerSystem",Name="{guid}"'

    def associators(self, path, result_class, assoc_class=None):
        where = f"AssocClass = {assoc_class} ResultClass = {result_class}" if assoc_class \
            else f"ResultClass = {result_class}"
        return self.query(f"ASSOCIATORS OF {{{path}}} WHERE {where}")

    def associated(self, guid, result_class, assoc_class=None):
        """The VM's associated instances through the DSP0227 AssociatedInstances filter (what a PowerShell CIM
        session's Get-CimAssociatedInstance sends)."""
        f = ET.Element("{%s}AssociatedInstances" % NS["b"])
        obj = ET.SubElement(f, "{%s}Object" % NS["b"])
        ET.SubElement(obj, "{%s}Address" % NS["a"]).text = ANON
        rp = ET.SubElement(obj, "{%s}ReferenceParameters" % NS["a"])
        ET.SubElement(rp, "{%s}ResourceURI" % NS["w"]).text = CS
        ss = ET.SubElement(rp, "{%s}SelectorSet" % NS["w"])
        ET.SubElement(ss, "{%s}Selector" % NS["w"], Name="CreationClassName").text = "Msvm_ComputerSystem"
        ET.SubElement(ss, "{%s}Selector" % NS["w"], Name="Name").text = guid
        if assoc_class:
            ET.SubElement(f, "{%s}AssociationClassName" % NS["b"]).text = assoc_class
        ET.SubElement(f, "{%s}ResultClassName" % NS["b"]).text = result_class
        return [props(i) for i in self.lab.enumerate_all("http://schemas.dmtf.org/wbem/wscim/1/*", f, dialect=ASSOC)]

    def rsds(self, guid):
        """InstanceID → Msvm_ReplicationSettingData of the VM (GetRelated("Msvm_ReplicationSettingData"))."""
        found = self.associators(self.vm_path(guid), "Msvm_ReplicationSettingData")
        return {r["InstanceID"]: r for r in found}

    def rsd(self, guid, index=0):
        rsds = self.rsds(guid)
        key = f"Microsoft:{guid}\\HVR\\{index}"
        if index == 0 and key not in rsds and len(rsds) == 1:
            return next(iter(rsds.values()))  # a VM never replicated may carry its RSD under another id
        assert key in rsds, f"{self.host_name}: no RSD {key} among {sorted(rsds)}"
        return rsds[key]

    def relationships(self, guid):
        """InstanceID → Msvm_ReplicationRelationship, reached from the VM by Msvm_SystemReplicationRelationship."""
        found = self.associated(guid, "Msvm_ReplicationRelationship", assoc_class="Msvm_SystemReplicationRelationship")
        return {r["InstanceID"]: r for r in found}

    def relationship(self, guid, index=0):
        rels = self.relationships(guid)
        key = f"Microsoft:{guid}\\HVR\\{index}"
        assert key in rels, f"{self.host_name}: no relationship {key} among {sorted(rels)}"
        return rels[key]

    def state(self, guid):
        """(ReplicationMode, ReplicationState) of the VM."""
        vm = self.vm(guid)
        assert vm is not None, f"{self.host_name}: no VM {guid}"
        return int(vm["ReplicationMode"] or 0), int(vm["ReplicationState"] or 0)

    # disks ---------------------------------------------------------------------------------------
    def disk_devices(self, guid):
        """DeviceIDs of the VM's virtual hard disks: VM → Msvm_SettingsDefineState → realized VSSD →
        Msvm_VirtualSystemSettingDataComponent → SASD (ResourceType 31) → HostResource[0] → WMILab_VirtualDisk."""
        vssds = [v for v in self.associators(self.vm_path(guid), "Msvm_VirtualSystemSettingData",
                                             assoc_class="Msvm_SettingsDefineState")
                 if v.get("VirtualSystemType") == "Microsoft:Hyper-V:System:Realized"]
        assert len(vssds) == 1, f"{self.host_name}: {len(vssds)} realized settings for {guid}"
        vssd_path = f'Msvm_VirtualSystemSettingData.InstanceID="{wql_path_value(vssds[0]["InstanceID"])}"'
        sasds = [s for s in self.associators(vssd_path, "Msvm_StorageAllocationSettingData",
                                             assoc_class="Msvm_VirtualSystemSettingDataComponent")
                 if s.get("ResourceType") == "31"]
        assert sasds, f"{self.host_name}: no virtual hard disk for {guid}"
        devices = []
        for sasd in sasds:
            device = as_list(sasd["HostResource"])[0]
            disk = self.lab.psrp.get(DISK, selector_set=selector_set([("DeviceID", device)]))[0]
            assert props(disk)["HostName"] == self.host_name
            devices.append(device)
        return devices

    def disk_device(self, guid):
        devices = self.disk_devices(guid)
        assert len(devices) == 1
        return devices[0]

    def _disk(self, method, device, **params):
        inp = ET.Element("{%s}%s_INPUT" % (DISK, method))
        for k, v in params.items():
            ET.SubElement(inp, "{%s}%s" % (DISK, k)).text = str(v)
        resp = self.lab.psrp.invoke(DISK + "/" + method, DISK, inp,
                                    selector_set=selector_set([("DeviceID", device)]))
        out = props(resp.find("s:Body/{%s}%s_OUTPUT" % (DISK, method), NS))
        assert out["ReturnValue"] == "0", f"{method} on {device}: {out}"
        return out

    def write(self, device, offset, data):
        """WriteData in pieces that keep each envelope under the server's 512,000-byte limit."""
        for start in range(0, len(data), WRITE_CHUNK):
            piece = data[start:start + WRITE_CHUNK]
            self._disk("WriteData", device, Offset=offset + start, Base64Data=base64.b64encode(piece).decode())

    def read(self, device, offset, length):
        # pypsrp asks for responses under 153,600 bytes: base64 of 96 KiB fits.
        out = b""
        while len(out) < length:
            n = min(READ_CHUNK, length - len(out))
            out += base64.b64decode(self._disk("ReadData", device, Offset=offset + len(out), Length=n)["Base64Data"])
        return out

    def digest(self, device):
        return self._disk("GetDigest", device)["Sha256"].lower()

    # faults --------------------------------------------------------------------------------------
    def create_fault(self, fault_id, **properties):
        new = ET.Element("{%s}WMILab_Fault" % FAULT)
        ET.SubElement(new, "{%s}FaultID" % FAULT).text = fault_id
        for k, v in properties.items():
            ET.SubElement(new, "{%s}%s" % (FAULT, k)).text = str(v)
        self.lab.psrp.create(FAULT, new)

    def delete_fault(self, fault_id):
        self.lab.psrp.delete(FAULT, selector_set=selector_set([("FaultID", fault_id)]))

    # methods -------------------------------------------------------------------------------------
    def vm_epr(self, guid, name="ComputerSystem", uri=RS):
        epr = ET.Element("{%s}%s" % (uri, name))
        ET.SubElement(epr, "{%s}Address" % NS["a"]).text = ANON
        rp = ET.SubElement(epr, "{%s}ReferenceParameters" % NS["a"])
        ET.SubElement(rp, "{%s}ResourceURI" % NS["w"]).text = CS
        ss = ET.SubElement(rp, "{%s}SelectorSet" % NS["w"])
        ET.SubElement(ss, "{%s}Selector" % NS["w"], Name="CreationClassName").text = "Msvm_ComputerSystem"
        ET.SubElement(ss, "{%s}Selector" % NS["w"], Name="Name").text = guid
        return epr

    def invoke(self, uri, method, selectors, params):
        """Invokes `method`; params are (name, value) with value a string, an EPR element or None (omitted,
        as PowerShell omits a $null argument). Returns the _OUTPUT element."""
        inp = ET.Element("{%s}%s_INPUT" % (uri, method))
        for name, value in params:
            if value is None:
                continue
            if isinstance(value, ET.Element):
                value.tag = "{%s}%s" % (uri, name)
                inp.append(value)
            else:
                ET.SubElement(inp, "{%s}%s" % (uri, name)).text = str(value)
        resp = self.lab.psrp.invoke(uri + "/" + method, uri, inp, selector_set=selector_set(selectors))
        out = resp.find("s:Body/{%s}%s_OUTPUT" % (uri, method), NS)
        assert out is not None, f"{method}: no {method}_OUTPUT in the response"
        return out

    def job(self, job_epr):
        """One Get of the job an EPR names; its properties."""
        uri = job_epr.find(".//{%s}ResourceURI" % NS["w"]).text
        keys = [(k, v) for k, v in selectors_of(job_epr).items() if k != "__cimnamespace"]
        return props(self.lab.psrp.get(uri, selector_set=selector_set(keys))[0])

    def service(self, method, *params):
        """Msvm_ReplicationService.<method>: (ReturnValue, _OUTPUT element)."""
        out = self.invoke(RS, method, self.lab.replication_service_keys(), params)
        return int(out.find("{%s}ReturnValue" % RS).text), out

    def wait_job(self, out, uri=RS, timeout=60):
        """Polls the Job of a 4096 answer (re-Get every 0.2 s) until it ends; returns its properties."""
        job = out.find("{%s}Job" % uri)
        assert job is not None, "ReturnValue 4096 without a Job"
        return props(self.lab.wait_for_job(job, timeout=timeout))

    def service_job(self, method, *params, timeout=60):
        """Calls a job method; returns the finished job's properties (a synchronous 0 counts as JobState 7)."""
        rv, out = self.service(method, *params)
        if rv == 0:
            return {"JobState": "7", "ErrorCode": "0", "_synchronous": True, "_out": out}
        assert rv == 4096, f"{method} returned {rv}"
        job = self.wait_job(out, timeout=timeout)
        job["_out"] = out
        return job

    def service_ok(self, method, *params, timeout=60):
        job = self.service_job(method, *params, timeout=timeout)
        assert job["JobState"] in ("7", "32768"), \
            f"{self.host_name} {method}: job {job.get('JobState')} {job.get('ErrorCode')} {job.get('ErrorDescription')}"
        return job

    # what the cmdlets do ---------------------------------------------------------------------------
    def service_settings(self):
        items = self.lab.enumerate_all(RSSD)
        assert len(items) == 1
        return props(items[0])

    def authorization_entries(self):
        return self.query("SELECT * FROM Msvm_ReplicationAuthorizationSettingData")

    def enable_recovery_server(self, allowed_primary="*", authentication_type=1):
        """Set-VMReplicationServer -ReplicationEnabled $true -AllowedAuthenticationType Kerberos (1; 2 Certificate,
        3 both) -ReplicationAllowedFromAnyServer (or an entry for one primary) -DefaultStorageLocation C:\\Replica."""
        settings = ('<INSTANCE CLASSNAME="Msvm_ReplicationServiceSettingData">'
                    '<PROPERTY NAME="RecoveryServerEnabled" TYPE="boolean"><VALUE>true</VALUE></PROPERTY>'
                    '<PROPERTY NAME="AllowedAuthenticationType" TYPE="uint16">'
                    f'<VALUE>{authentication_type}</VALUE></PROPERTY>'
                    '</INSTANCE>')
        self.service_ok("ModifyServiceSettings", ("SettingData", settings))
        entry = ('<INSTANCE CLASSNAME="Msvm_ReplicationAuthorizationSettingData">'
                 f'<PROPERTY NAME="AllowedPrimaryHostSystem" TYPE="string"><VALUE>{escape(allowed_primary)}</VALUE>'
                 '</PROPERTY><PROPERTY NAME="TrustGroup" TYPE="string"><VALUE>lab</VALUE></PROPERTY>'
                 f'<PROPERTY NAME="ReplicaStorageLocation" TYPE="string"><VALUE>{escape(REPLICA_STORAGE)}</VALUE>'
                 '</PROPERTY></INSTANCE>')
        self.service_ok("AddAuthorizationEntry", ("AuthorizationEntry", entry))

    def enable_replication(self, guid, recovery, history=0, compression=True, thumbprint=None):
        """Enable-VMReplication: the VM's RSD with the recovery server filled in → CreateReplicationRelationship
        (-AuthenticationType Certificate -CertificateThumbprint when `thumbprint` is given).
        Returns the finished job."""
        rsd = self.rsd(guid)
        auth = dict(RecoveryServerPortNumber=443, AuthenticationType=2, CertificateThumbPrint=thumbprint) \
            if thumbprint else dict(RecoveryServerPortNumber=80, AuthenticationType=1)
        text = rsd_text(rsd, RecoveryConnectionPoint=recovery, **auth,
                        ReplicationInterval=INTERVAL, RecoveryHistory=history, CompressionEnabled=compression)
        return self.service_job("CreateReplicationRelationship", ("ComputerSystem", self.vm_epr(guid)),
                                ("ReplicationSettingData", text))

    def start_replication(self, guid, kind=1, export_location=None, start_time=None):
        """Start-VMInitialReplication: StartReplication (at `start_time`, a lab datetime, when given); returns
        (ReturnValue, _OUTPUT element)."""
        params = [("ComputerSystem", self.vm_epr(guid)), ("InitialReplicationType", kind),
                  ("InitialReplicationExportLocation", export_location)]
        if start_time is not None:
            params.append(("StartTime", cim_datetime_element(start_time)))
        return self.service("StartReplication", *params)

    def schedule_initial_replication(self, guid, recovery_host):
        """Enable-VMReplication, then Start-VMInitialReplication -InitialReplicationStartTime a lab day later;
        returns (ReturnValue, _OUTPUT element) of the StartReplication."""
        job = self.enable_replication(guid, recovery_host)
        assert job["JobState"] == "7", job
        tomorrow = lab_time(job["TimeOfLastStateChange"]) + datetime.timedelta(days=1)
        return self.start_replication(guid, kind=1, start_time=tomorrow)

    def replicate_initially(self, guid, recovery):
        """Start-VMInitialReplication over the network to the end: the job completes and the VM replicates on
        this host and on `recovery`."""
        rv, out = self.start_replication(guid, kind=1)
        assert rv == 4096, f"StartReplication returned {rv}"
        assert self.wait_job(out)["JobState"] == "7"
        self.wait_for_state(guid, REPLICATING)
        recovery.wait_for_state(guid, REPLICATING)

    def statistics(self, guid):
        """Measure-VMReplication: GetReplicationStatistics → the embedded Msvm_ReplicationStatistics."""
        job = self.service_ok("GetReplicationStatistics", ("ComputerSystem", self.vm_epr(guid)))
        out = job["_out"]
        texts = [e.text for e in out.findall("{%s}ReplicationStatistics" % RS) if e.text]
        assert texts, "GetReplicationStatistics returned no ReplicationStatistics"
        return [cimxml_properties(t) for t in texts]

    def vm_request_state_change(self, guid, requested):
        """Msvm_ComputerSystem.RequestStateChange (Stop-VM -TurnOff = 3); waits for a job if one is started."""
        return self._vm_state_change("RequestStateChange", guid, requested)

    def request_replication_state_change(self, guid, requested):
        """Msvm_ComputerSystem.RequestReplicationStateChange; returns the ReturnValue after any job ends."""
        return self._vm_state_change("RequestReplicationStateChange", guid, requested)

    def _vm_state_change(self, method, guid, requested):
        """An Msvm_ComputerSystem state-change method: its ReturnValue, or 0 once its job completed."""
        out = self.invoke(CS, method, [("CreationClassName", "Msvm_ComputerSystem"), ("Name", guid)],
                          [("RequestedState", requested)])
        rv = int(out.find("{%s}ReturnValue" % CS).text)
        if rv == 4096:
            job = self.wait_job(out, uri=CS)
            assert job["JobState"] == "7", job
            return 0
        return rv

    def destroy_system(self, guid):
        """Remove-VM (and Stop-VMFailover for a test VM): Msvm_VirtualSystemManagementService.DestroySystem;
        (ReturnValue, _OUTPUT element)."""
        out = self.invoke(VSMS, "DestroySystem", self.lab.service_keys(VSMS),
                          [("AffectedSystem", self.vm_epr(guid))])
        return int(out.find("{%s}ReturnValue" % VSMS).text), out

    def remove_replication(self, guid):
        """Remove-VMReplication on this side: RemoveReplicationRelationship; the finished job."""
        return self.service_job("RemoveReplicationRelationship", ("ComputerSystem", self.vm_epr(guid)))

    def remove_authorization_entry(self, allowed_primary):
        """Remove-VMReplicationAuthorizationEntry: RemoveAuthorizationEntry; the finished job."""
        return self.service_job("RemoveAuthorizationEntry", ("AllowedPrimaryHostSystem", allowed_primary))

    def test_replication_connection(self, recovery, thumbprint=None):
        """Test-VMReplicationConnection: TestReplicationConnection (Kerberos, or Certificate with a thumbprint)."""
        return self.service_job("TestReplicationConnection", ("RecoveryConnectionPoint", recovery),
                                ("RecoveryServerPortNumber", 443 if thumbprint else 80),
                                ("AuthenticationType", 2 if thumbprint else 1), ("CertificateThumbPrint", thumbprint),
                                ("BypassProxyServer", "false"))

    def job_epr(self, job):
        """The Job EPR of a finished `service_job`."""
        epr = job["_out"].find("{%s}Job" % RS)
        assert epr is not None, "no Job in the method's output"
        return epr

    def job_errors(self, job_epr):
        """Msvm_ConcreteJob.GetError on the job: the embedded Msvm_Error as a dictionary, or None."""
        uri = job_epr.find(".//{%s}ResourceURI" % NS["w"]).text
        keys = [(k, v) for k, v in selectors_of(job_epr).items() if k != "__cimnamespace"]
        out = self.invoke(uri, "GetError", keys, [])
        assert out.find("{%s}ReturnValue" % uri).text == "0", ET.tostring(out)
        error = out.find("{%s}Error" % uri)
        if error is None or error.get(XSI_NIL) == "true" or not (error.text or "").strip():
            return None
        return cimxml_properties(error.text)

    # waiting on lab time -------------------------------------------------------------------------
    def wait_for_state(self, guid, state, timeout=20):
        deadline = time.time() + timeout
        while True:
            mode, current = self.state(guid)
            if current == state:
                return mode
            assert time.time() < deadline, f"{self.host_name}: {guid} stayed in state {current}, not {state}"
            time.sleep(0.1)


def digests(*disks):
    """SHA-256 of several (Replica, DeviceID) disks, asked of their hosts at the same time (each hashes 256 MiB)."""
    with ThreadPoolExecutor(len(disks)) as pool:
        return list(pool.map(lambda disk: disk[0].digest(disk[1]), disks))


def wait_for_digest(source, source_device, target, target_device, probes=(), timeout=30):
    """Waits until the target disk equals the source disk; returns the common SHA-256.

    `probes` are (offset, bytes) last written on the source: the target's copy of those ranges is polled
    first (cheap ReadData), then whole-disk digests are compared until they agree."""
    return wait_for_digests(source, source_device, [(target, target_device)], probes, timeout)


def wait_for_digests(source, source_device, targets, probes=(), timeout=30):
    """`wait_for_digest` for several (Replica, DeviceID) targets at once."""
    deadline = time.time() + timeout
    for target, target_device in targets:
        for offset, data in probes:
            while target.read(target_device, offset, len(data)) != data:
                assert time.time() < deadline, f"{target.host_name} never received the write at {offset}"
                time.sleep(max(INTERVAL_WALL / 2, 0.1))
    while True:
        want, *have = digests((source, source_device), *targets)
        if all(h == want for h in have):
            return want
        lagging = [t.host_name for (t, _), h in zip(targets, have) if h != want]
        assert time.time() < deadline, f"disks of {lagging} still differ from {source.host_name}'s"
        time.sleep(max(INTERVAL_WALL / 2, 0.1))


def wait_until(predicate, what, timeout=20, step=0.1):
    deadline = time.time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        assert time.time() < deadline, f"timed out waiting for {what}"
        time.sleep(step)


def replicate(primary, recovery, vm_name="app01", history=0, compression=True):
    """Enable-VMReplication + Start-VMInitialReplication (network) to the end; returns the VM GUID."""
    guid = primary.find_vm(vm_name)
    job = primary.enable_replication(guid, recovery.host_name, history=history, compression=compression)
    assert job["JobState"] == "7", f"CreateReplicationRelationship: {job}"
    primary.replicate_initially(guid, recovery)
    return guid

