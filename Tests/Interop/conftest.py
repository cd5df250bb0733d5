"""Starts a real `wmilab serve` for the interop suite and hands tests the three real clients.

The server binary is `$WMILAB_BIN` or the debug build; every session gets its own port and
data directory, so the suite can run beside a developer's own server.
"""
import os
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from lab import Lab

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _identify(url: str) -> bool:
    body = (b'<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
            b'xmlns:wsmid="http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd">'
            b'<s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>')
    req = urllib.request.Request(url, data=body, headers={
        "Content-Type": "application/soap+xml;charset=UTF-8", "WSMANIDENTIFY": "unauthenticated"})
    try:
        with urllib.request.urlopen(req, timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


class Server:
    """One `wmilab serve` process on a private port and data directory."""

    def __init__(self, data_dir: Path, extra_args=(), port=None):
        self.port = port or _free_port()
        self.data_dir = data_dir
        self.url = f"http://127.0.0.1:{self.port}/wsman"
        binary = os.environ.get("WMILAB_BIN", str(ROOT / ".build" / "debug" / "wmilab"))
        # Appending keeps the log of an earlier process on the same port (a restart after kill -9).
        self.log = open(data_dir.parent / f"server-{self.port}.log", "a")
        self.proc = subprocess.Popen(
            [binary, "serve", "--listen", f"127.0.0.1:{self.port}", "--data", str(data_dir), *extra_args],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while not _identify(self.url):
            if self.proc.poll() is not None or time.time() > deadline:
                self.proc.kill()
                self.proc.wait()
                self.log.close()
                raise RuntimeError(f"wmilab serve did not start (see {self.log.name})")
            time.sleep(0.1)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@pytest.fixture(scope="session")
def server():
    with tempfile.TemporaryDirectory(prefix="wmilab-interop-") as tmp:
        s = Server(Path(tmp) / "data")
        yield s
        still_alive = s.alive()
        s.stop()
        assert still_alive, "the server died during the suite"


@pytest.fixture(scope="session")
def lab(server):
    return Lab(server)
