"""Negotiate / NTLM with MS-WSMV message encryption, through pypsrp and pywinrm.

Every client flavour runs Identify, Get, Enumerate + Pull, an Invoke and a fault through a small recording
TCP proxy, so the test also sees what went over the wire: sealed `multipart/encrypted` bodies when the
client encrypts, plain SOAP when it does not.
"""
import base64
import http.client
import socket
import subprocess
import tempfile
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmltodict
from pypsrp.exceptions import AuthenticationError, WSManFaultError
from pypsrp.wsman import WSMan
from winrm.exceptions import InvalidCredentialsError
from winrm.exceptions import WSManFaultError as WinRMFault
from winrm.protocol import Protocol

from conftest import Server, _free_port
from lab import CS, E, LABNS, NS, PASSWORD, RS, T, USER, V2, Lab, selector_set

WSMID = "http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"
IDENTIFY = ('<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:wsmid="%s">'
            '<s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>' % WSMID)
DISK = LABNS + "/WMILab_VirtualDisk"
ENCRYPTED_TYPE = b'multipart/encrypted;protocol="application/HTTP-SPNEGO-session-encrypted"'
UNKNOWN_CLASS_CODES = (2150858770, 2150858811)


class RecordingProxy:
    """Forwards TCP connections to the server and keeps every byte each way."""

    def __init__(self, port):
        self.target = port
        self.sent = bytearray()      # client → server
        self.received = bytearray()  # server → client
        self.connections = 0
        self.lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target))
            with self.lock:
                self.connections += 1
            threading.Thread(target=self._pump, args=(client, upstream, self.sent), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, self.received), daemon=True).start()

    def _pump(self, source, sink, record):
        try:
            while data := source.recv(65536):
                with self.lock:
                    record.extend(data)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        self.listener.close()


# -- the two client libraries behind one small interface ------------------------------------------------------

class Psrp:
    def __init__(self, port, auth, encryption, username=f"LAB\\{USER}", password=PASSWORD):
        self.encrypts = encryption != "never"
        self.w = WSMan("127.0.0.1", port=port, ssl=False, path="wsman", auth=auth, encryption=encryption,
                       username=username, password=password, cert_validation=False, no_proxy=True)

    def identify(self):
        return ET.fromstring(self.w.transport.send(IDENTIFY.encode()))

    def get(self, uri, keys):
        return self.w.get(uri, selector_set=selector_set(keys))

    def enumerate_pull(self, uri):
        resp = self.w.enumerate(uri, ET.Element("{%s}Enumerate" % NS["n"]))
        ctx = resp.find("n:EnumerateResponse/n:EnumerationContext", NS).text
        items = []
        while ctx:
            pull = ET.Element("{%s}Pull" % NS["n"])
            ET.SubElement(pull, "{%s}EnumerationContext" % NS["n"]).text = ctx
            ET.SubElement(pull, "{%s}MaxElements" % NS["n"]).text = "2"
            pr = self.w.pull(uri, pull).find("n:PullResponse", NS)
            items += list(pr.find("n:Items", NS))
            ended = pr.find("n:EndOfSequence", NS) is not None
            ctx = None if ended else pr.find("n:EnumerationContext", NS).text
        return items

    def read_disk(self, device, offset, length):
        inp = ET.Element("{%s}ReadData_INPUT" % DISK)
        ET.SubElement(inp, "{%s}Offset" % DISK).text = str(offset)
        ET.SubElement(inp, "{%s}Length" % DISK).text = str(length)
        resp = self.w.invoke(DISK + "/ReadData", DISK, inp, selector_set=selector_set([("DeviceID", device)]))
        return resp.find("s:Body/{%s}ReadData_OUTPUT" % DISK, NS)

    def unknown_class_fault_code(self):
        with pytest.raises(WSManFaultError) as e:
            self.get(V2 + "/Msvm_NoSuchClass", [("Name", "x")])
        return e.value.code


class Winrm:
    def __init__(self, port, encryption, username=f"LAB\\{USER}", password=PASSWORD):
        self.encrypts = encryption != "never"
        self.p = Protocol(f"http://127.0.0.1:{port}/wsman", transport="ntlm", username=username,
                          password=password, message_encryption=encryption, server_cert_validation="ignore",
                          proxy=None)

    def call(self, action, uri, keys=(), body=None):
        env = self.p.build_wsman_header(action=action, resource_uri=uri)
        if keys:
            env["env:Header"]["w:SelectorSet"] = {"w:Selector": [{"@Name": k, "#text": v} for k, v in keys]}
        env["env:Body"] = body or {}
        return ET.fromstring(self.p.send_message(xmltodict.unparse({"env:Envelope": env})))

    def identify(self):
        return ET.fromstring(self.p.send_message(IDENTIFY))

    def get(self, uri, keys):
        return self.call(T + "Get", uri, keys).find("s:Body", NS)

    def enumerate_pull(self, uri):
        ctx = self.call(E + "Enumerate", uri, body={"n:Enumerate": {}}).find(
            "s:Body/n:EnumerateResponse/n:EnumerationContext", NS).text
        items = []
        while ctx:
            pr = self.call(E + "Pull", uri, body={"n:Pull": {"n:EnumerationContext": ctx, "n:MaxElements": "2"}})
            pr = pr.find("s:Body/n:PullResponse", NS)
            items += list(pr.find("n:Items", NS))
            ended = pr.find("n:EndOfSequence", NS) is not None
            ctx = None if ended else pr.find("n:EnumerationContext", NS).text
        return items

    def read_disk(self, device, offset, length):
        body = {"p:ReadData_INPUT": {"@xmlns:p": DISK, "p:Offset": str(offset), "p:Length": str(length)}}
        resp = self.call(DISK + "/ReadData", DISK, [("DeviceID", device)], body)
        return resp.find("s:Body/{%s}ReadData_OUTPUT" % DISK, NS)

    def unknown_class_fault_code(self):
        with pytest.raises(WinRMFault) as e:
            self.get(V2 + "/Msvm_NoSuchClass", [("Name", "x")])
        assert e.value.code == 500
        return e.value.wsman_fault_code


FLAVOURS = {
    "pypsrp-negotiate-auto": lambda port, **kw: Psrp(port, "negotiate", "auto", **kw),
    "pypsrp-ntlm-always": lambda port, **kw: Psrp(port, "ntlm", "always", **kw),
    "pypsrp-ntlm-never": lambda port, **kw: Psrp(port, "ntlm", "never", **kw),
    "pywinrm-ntlm-auto": lambda port, **kw: Winrm(port, "auto", **kw),
    "pywinrm-ntlm-never": lambda port, **kw: Winrm(port, "never", **kw),
}


@pytest.fixture
def proxy(server):
    p = RecordingProxy(server.port)
    yield p
    p.close()


def _disk(lab):
    items = lab.enumerate_all(LABNS + "/*", "SELECT * FROM WMILab_VirtualDisk WHERE VirtualMachineName = 'app01'")
    assert len(items) == 1
    return items[0].find("{%s}DeviceID" % DISK).text


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_operations_through_negotiate(lab, proxy, flavour):
    client = FLAVOURS[flavour](proxy.port)
    # Basic keeps working beside it (the lab's own clients are Basic).
    rs_keys = lab.replication_service_keys()
    device = _disk(lab)
    data = f"negotiated {flavour}".encode()
    lab.winrm_call(DISK + "/WriteData", DISK, [("DeviceID", device)], {"p:WriteData_INPUT": {
        "@xmlns:p": DISK, "p:Offset": "8192", "p:Base64Data": base64.b64encode(data).decode()}})

    identify = client.identify()
    assert identify.find(".//{%s}ProductVendor" % WSMID).text == "Microsoft Corporation"

    body = client.get(RS, rs_keys)
    inst = body.find("{%s}Msvm_ReplicationService" % RS)
    assert inst is not None
    assert inst.find("{%s}Name" % RS).text == dict(rs_keys)["Name"]

    items = client.enumerate_pull(CS)
    assert len(items) == len(lab.enumerate_all(CS))
    assert all(i.tag == "{%s}Msvm_ComputerSystem" % CS for i in items)

    out = client.read_disk(device, 8192, len(data))
    assert out.find("{%s}ReturnValue" % DISK).text == "0"
    assert base64.b64decode(out.find("{%s}Base64Data" % DISK).text) == data

    assert client.unknown_class_fault_code() in UNKNOWN_CLASS_CODES
    # The session is still in step after the fault.
    assert client.get(RS, rs_keys).find("{%s}Msvm_ReplicationService" % RS) is not None

    # What went over the wire: one connection, sealed both ways when the client encrypts.
    sent, received = bytes(proxy.sent), bytes(proxy.received)
    assert proxy.connections == 1
    assert b"Authorization: Negotiate " in sent
    assert b"HTTP/1.1 401" in received
    if client.encrypts:
        assert sent.count(ENCRYPTED_TYPE) >= 7
        assert received.count(b"Content-Type: " + ENCRYPTED_TYPE) >= 7
        for secret in (b"Msvm_ReplicationService", b"Envelope", data, base64.b64encode(data)):
            assert secret not in sent and secret not in received
        assert b"HTTP/1.1 500" in received  # the fault, sealed too
    else:
        assert ENCRYPTED_TYPE not in sent and ENCRYPTED_TYPE not in received
        assert b"Msvm_ReplicationService" in sent and b"Msvm_ReplicationService" in received


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("username,password", [(f"LAB\\{USER}", "wrong"), ("LAB\\nobody", PASSWORD)])
def test_wrong_credentials_are_refused(server, lab, flavour, username, password):
    client = FLAVOURS[flavour](server.port, username=username, password=password)
    with pytest.raises((AuthenticationError, InvalidCredentialsError)):
        client.identify()
    # The server keeps serving everyone else.
    assert lab.psrp.get(RS, selector_set=selector_set(lab.replication_service_keys())) is not None
    assert FLAVOURS["pypsrp-negotiate-auto"](server.port).identify() is not None


def test_clients_at_once(server, lab):
    """Every flavour and a Basic client in parallel threads: each connection keeps its own NTLM state."""
    rs_keys = lab.replication_service_keys()
    errors = []

    def run(make):
        try:
            client = make()
            for _ in range(8):
                assert client.get(RS, rs_keys).find("{%s}Msvm_ReplicationService" % RS) is not None
        except Exception as e:  # reported below, with the flavour
            errors.append(repr(e))

    makers = [lambda f=f: FLAVOURS[f](server.port) for f in FLAVOURS]
    makers.append(lambda: Psrp(server.port, "basic", "never", username=USER))
    threads = [threading.Thread(target=run, args=(m,)) for m in makers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    assert not any(t.is_alive() for t in threads)


@pytest.mark.parametrize("flavour", ["pypsrp-negotiate-auto", "pywinrm-ntlm-auto"])
def test_oversized_encrypted_request_gets_the_encoding_limit_fault(server, lab, flavour):
    # MaxEnvelopeSize (512000) counts the sealed body as received.
    client = FLAVOURS[flavour](server.port)
    assert client.identify() is not None
    big = "A" * 600_000
    if isinstance(client, Psrp):
        inp = ET.Element("{%s}WriteData_INPUT" % DISK)
        ET.SubElement(inp, "{%s}Offset" % DISK).text = "0"
        ET.SubElement(inp, "{%s}Base64Data" % DISK).text = big
        with pytest.raises(WSManFaultError) as e:
            client.w.invoke(DISK + "/WriteData", DISK, inp, selector_set=selector_set([("DeviceID", "x")]))
        assert e.value.code == 2150858805  # ERROR_WSMAN_ENCODING_LIMIT
    else:
        body = {"p:WriteData_INPUT": {"@xmlns:p": DISK, "p:Offset": "0", "p:Base64Data": big}}
        with pytest.raises(WinRMFault) as e:
            client.call(DISK + "/WriteData", DISK, [("DeviceID", "x")], body)
        assert e.value.wsman_fault_code == 2150858805
    # The connection was closed (its RC4 streams cannot follow a body that was not read); new clients are
    # served.
    assert FLAVOURS[flavour](server.port).identify() is not None
    assert lab.psrp.get(RS, selector_set=selector_set(lab.replication_service_keys())) is not None


def _exchange(port, requests):
    """Sends raw requests on one connection; returns (status, headers) of each answer and whether it closed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    answers = []
    for headers, body in requests:
        conn.request("POST", "/wsman", body=body, headers=headers)
        r = conn.getresponse()
        r.read()
        answers.append((r.status, r.getheader("WWW-Authenticate"), r.getheader("Connection")))
    conn.close()
    return answers


def test_hostile_negotiate_input(server, lab):
    soap = {"Content-Type": "application/soap+xml;charset=UTF-8"}
    for token in ("!!!!", "AAAA", base64.b64encode(b"NTLMSSP\x00\x03\x00\x00\x00").decode(),
                  base64.b64encode(bytes(9000)).decode()):
        answers = _exchange(server.port, [(dict(soap, Authorization="Negotiate " + token), b"<x/>")])
        assert answers[0][0] == 401
    # An encrypted body on a connection that never authenticated.
    sealed_type = ENCRYPTED_TYPE.decode() + ';boundary="Encrypted Boundary"'
    answers = _exchange(server.port, [({"Content-Type": sealed_type}, b"--Encrypted Boundary\r\n")])
    assert answers[0][0] == 401
    # After the hostile input, everyone is still served.
    assert FLAVOURS["pywinrm-ntlm-auto"](server.port).identify() is not None
    assert lab.psrp.get(RS, selector_set=selector_set(lab.replication_service_keys())) is not None


def test_negotiate_over_https_without_message_encryption():
    """Over TLS the clients authenticate with NTLM and send plain SOAP (encryption "auto" does not wrap)."""
    with tempfile.TemporaryDirectory(prefix="wmilab-ntlm-https-") as tmp:
        cert, key = Path(tmp) / "server.crt", Path(tmp) / "server.key"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=WMILAB-HV07", "-keyout", str(key), "-out", str(cert)],
                       check=True, capture_output=True)
        https_port = _free_port()
        server = Server(Path(tmp) / "data", extra_args=[
            "--host-name", "WMILAB-HV07", "--https-listen", f"127.0.0.1:{https_port}",
            "--tls-certificate", str(cert), "--tls-key", str(key)])
        try:
            rs_keys = Lab(server).replication_service_keys()
            psrp = WSMan("127.0.0.1", port=https_port, ssl=True, path="wsman", auth="negotiate",
                         username=f"WMILAB-HV07\\{USER}", password=PASSWORD, cert_validation=False,
                         no_proxy=True)
            assert psrp.get(RS, selector_set=selector_set(rs_keys)).find("{%s}Msvm_ReplicationService" % RS) \
                is not None
            winrm = Protocol(f"https://127.0.0.1:{https_port}/wsman", transport="ntlm", username=USER,
                             password=PASSWORD, server_cert_validation="ignore", proxy=None)
            env = winrm.build_wsman_header(action=T + "Get", resource_uri=RS)
            env["env:Header"]["w:SelectorSet"] = {"w:Selector": [{"@Name": k, "#text": v} for k, v in rs_keys]}
            env["env:Body"] = {}
            reply = ET.fromstring(winrm.send_message(xmltodict.unparse({"env:Envelope": env})))
            assert reply.find("s:Body/{%s}Msvm_ReplicationService" % RS, NS) is not None
            assert winrm.transport.encryption is None
            with pytest.raises(AuthenticationError):
                WSMan("127.0.0.1", port=https_port, ssl=True, path="wsman", auth="negotiate", username=USER,
                      password="wrong", cert_validation=False, no_proxy=True).get(
                          RS, selector_set=selector_set(rs_keys))
        finally:
            server.stop()
