"""Certificate-based replication (AuthenticationType 2): the recovery host listens on HTTPS, the primary presents
its own self-signed certificate, and the relationship names that certificate's thumbprint
(Enable-VMReplication -AuthenticationType Certificate -CertificateThumbprint)."""
import hashlib
import os
import ssl
import subprocess

import pytest

from conftest import _free_port
from multihost import PRIMARY, REPLICA, REPLICATING, digests, running_lab, wait_for_digest

HV01, HV02 = "WMILAB-HV01", "WMILAB-HV02"


def self_signed(directory, host):
    """A self-signed certificate and key for `host` (openssl), as PEM files; returns (cert, key, thumbprint)."""
    cert, key = directory / f"{host}.pem", directory / f"{host}.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={host}",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    der = ssl.PEM_cert_to_DER_cert(cert.read_text())
    return cert, key, hashlib.sha1(der).hexdigest().upper()  # a Windows thumbprint


@pytest.fixture(scope="module")
def certificate_lab(tmp_path_factory):
    """HV02 a recovery server for certificate authentication only, reached over HTTPS; HV01 with its client
    certificate. Yields (hosts, HV01's thumbprint)."""
    directory = tmp_path_factory.mktemp("certificates")
    primary_cert, primary_key, thumbprint = self_signed(directory, HV01)
    server_cert, server_key, _ = self_signed(directory, HV02)
    https_port = _free_port()
    with running_lab(
        HV01, HV02,
        peer_addresses={HV02: f"https://127.0.0.1:{https_port}"},
        extra_args={
            HV01: ["--replication-certificate", str(primary_cert), "--replication-key", str(primary_key)],
            HV02: ["--https-listen", f"127.0.0.1:{https_port}", "--tls-certificate", str(server_cert),
                   "--tls-key", str(server_key)],
        },
    ) as hosts:
        hosts[HV02].replica.enable_recovery_server(authentication_type=2)
        yield hosts, thumbprint


def test_certificate_authentication_enables_and_replicates(certificate_lab):
    hosts, thumbprint = certificate_lab
    hv01, hv02 = hosts[HV01].replica, hosts[HV02].replica
    assert hv02.service_settings()["AllowedAuthenticationType"] == "2"
    assert hv01.test_replication_connection(HV02, thumbprint=thumbprint)["JobState"] == "7"

    guid = hv01.find_vm("app01")
    device = hv01.disk_device(guid)
    before = (2 * 1024 * 1024, os.urandom(300_000))
    hv01.write(device, *before)
    job = hv01.enable_replication(guid, HV02, thumbprint=thumbprint)
    assert job["JobState"] == "7", job
    rsd = hv01.rsd(guid)
    assert rsd["AuthenticationType"] == "2"
    assert rsd["CertificateThumbPrint"] == thumbprint
    hv01.replicate_initially(guid, hv02)
    replica_device = hv02.disk_device(guid)
    primary_digest, replica_digest = digests((hv01, device), (hv02, replica_device))
    assert replica_digest == primary_digest

    delta = (50 * 1024 * 1024, os.urandom(200_000))
    hv01.write(device, *delta)
    wait_for_digest(hv01, device, hv02, replica_device, probes=[delta])
    assert hv01.state(guid) == (PRIMARY, REPLICATING)
    assert hv02.state(guid) == (REPLICA, REPLICATING)


def test_a_wrong_thumbprint_is_refused(certificate_lab):
    hosts, thumbprint = certificate_lab
    hv01, hv02 = hosts[HV01].replica, hosts[HV02].replica
    wrong = "0" * 40
    assert wrong != thumbprint
    guid = hv01.find_vm("db01")
    job = hv01.enable_replication(guid, HV02, thumbprint=wrong)
    assert int(job["JobState"]) == 10, job
    assert int(job["ErrorCode"] or 0) != 0, job
    assert "thumbprint" in (job.get("ErrorDescription") or "").lower(), job
    assert hv01.state(guid) == (0, 0)
    assert hv02.vm(guid) is None

    job = hv01.test_replication_connection(HV02, thumbprint=wrong)
    assert int(job["JobState"]) == 10, job


def test_kerberos_is_refused_by_a_certificate_only_recovery_server(certificate_lab):
    hosts, _ = certificate_lab
    hv01, hv02 = hosts[HV01].replica, hosts[HV02].replica
    guid = hv01.find_vm("web01")
    job = hv01.enable_replication(guid, HV02)
    assert int(job["JobState"]) == 10, job
    assert int(job["ErrorCode"]) == 32769, job  # Access denied
    assert hv02.vm(guid) is None
