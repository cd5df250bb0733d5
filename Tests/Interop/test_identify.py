"""Identify through every client, and the unauthenticated probe."""
import xml.etree.ElementTree as ET

from lab import NS

WSMID = "http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"
IDENTIFY = ('<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:wsmid="%s">'
            '<s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>')


def test_pypsrp_identify(lab):
    resp = ET.fromstring(lab.psrp.transport.send((IDENTIFY % WSMID).encode()))
    assert resp.find(".//{%s}ProductVendor" % WSMID).text == "Microsoft Corporation"
    assert resp.find(".//{%s}ProductVersion" % WSMID).text.startswith("OS: 10.0.")
    assert resp.find(".//{%s}ProtocolVersion" % WSMID).text == "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"


def test_pywinrm_identify_with_the_msWSMV_namespace(lab):
    # pywinrm users copy MS-WSMV's "identify" spelling; the answer is in "identity".
    r = ET.fromstring(lab.winrm.send_message(IDENTIFY % WSMID.replace("/identity/", "/identify/")))
    fields = {el.tag.split("}")[1]: el.text for el in r.find("s:Body", NS)[0]}
    assert fields["ProductVendor"] == "Microsoft Corporation"


def test_wsl_identify(lab):
    rc, out = lab.wsl("wsl", "id", "check")
    assert rc == 0
    assert "Microsoft Corporation" in out


def test_unauthenticated_identify_hides_the_version(lab):
    status, headers, body = lab.raw((IDENTIFY % WSMID).encode(), {"WSMANIDENTIFY": "unauthenticated"}, auth=False)
    assert status == 200
    assert b"OS: 0.0.0 SP: 0.0 Stack: 3.0" in body


def test_credentialless_request_is_challenged_with_negotiate_and_basic(lab):
    status, headers, body = lab.raw((IDENTIFY % WSMID).encode(), auth=False)
    assert status == 401
    offered = [v for k, v in _all_headers(lab, (IDENTIFY % WSMID).encode()) if k.lower() == "www-authenticate"]
    assert "Negotiate" in offered
    assert 'Basic realm="WSMAN"' in offered


def _all_headers(lab, body):
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", lab.server.port, timeout=10)
    conn.request("POST", "/wsman", body=body, headers={"Content-Type": "application/soap+xml;charset=UTF-8"})
    r = conn.getresponse()
    r.read()
    conn.close()
    return r.getheaders()


def test_wrong_password_is_refused(lab):
    import base64
    bad = "Basic " + base64.b64encode(b"labuser:wrong").decode()
    status, _, _ = lab.raw((IDENTIFY % WSMID).encode(), {"Authorization": bad}, auth=False)
    assert status == 401


def test_domain_forms_of_the_lab_user_are_accepted(lab):
    import base64
    for user in ("labuser", ".\\labuser", "LAB\\labuser"):
        token = "Basic " + base64.b64encode(f"{user}:LabPass1!".encode()).decode()
        status, _, _ = lab.raw((IDENTIFY % WSMID).encode(), {"Authorization": token}, auth=False)
        assert status == 200, user
