"""Interop vectors: pyspnego (the NTLM client of pypsrp and pywinrm) against wmilab's own acceptor.

wmilab's acceptor is deterministic for a given NEGOTIATE, random generator seed and clock, and so is pyspnego
once os.urandom is replaced by a counter. That lets the exchange be recorded in two passes:

1. python3 make_pyspnego_vectors.py RAW_CHALLENGE SPNEGO_CHALLENGE > pyspnego-vectors.json
   (the CHALLENGE tokens wmilab sends for pyspnego's NEGOTIATE; PyspnegoInteropTests prints them).
2. python3 make_pyspnego_vectors.py RAW_CHALLENGE SPNEGO_CHALLENGE SPNEGO_FINAL RAW_SEALED SPNEGO_SEALED
   (wmilab's final SPNEGO token and one message it sealed in each session, as hex of signature + ciphertext).
   pyspnego must verify the final token's mechListMIC and decrypt both messages, or this pass fails.

Each pass records the client's tokens and messages it sealed after the handshake.
"""
import hashlib, json, sys
from importlib.metadata import version

import spnego
import spnego._ntlm

counter = [0]


def deterministic_urandom(n):
    counter[0] += 1
    return hashlib.sha256(b"wmilab-pyspnego-vectors-%d" % counter[0]).digest()[:n]


spnego._ntlm.os.urandom = deterministic_urandom

args = [bytes.fromhex(a) for a in sys.argv[1:]]
raw_challenge, spnego_challenge = args[0], args[1]
server = args[2:] if len(args) == 5 else None
vectors = {"pyspnego": version("pyspnego")}
server_plaintext = b"<s:Envelope>sealed by wmilab</s:Envelope>"

client = spnego.client("labuser", "LabPass1!", protocol="ntlm")
negotiate = client.step()
authenticate = client.step(raw_challenge)
messages = [b"<s:Envelope>first sealed message</s:Envelope>", bytes(range(256)) * 4]
vectors["raw"] = {
    "negotiate": negotiate.hex(),
    "challenge": raw_challenge.hex(),
    "authenticate": authenticate.hex(),
    "messages": [{"plaintext": m.hex(), "wrapped": client.wrap(m, encrypt=True).data.hex()} for m in messages],
}
if server:
    assert client.unwrap(server[1]).data == server_plaintext, "raw: wmilab's sealed message"
    vectors["raw"]["server_messages"] = [{"plaintext": server_plaintext.hex(), "wrapped": server[1].hex()}]

client = spnego.client("labuser", "LabPass1!", protocol="negotiate")
negotiate = client.step()
authenticate = client.step(spnego_challenge)
vectors["spnego"] = {
    "negotiate": negotiate.hex(),
    "challenge": spnego_challenge.hex(),
    "authenticate": authenticate.hex(),
}
if server:
    assert client.step(server[0]) is None and client.complete, "spnego: wmilab's final token"
    assert client.unwrap(server[2]).data == server_plaintext, "spnego: wmilab's sealed message"
    vectors["spnego"]["final"] = server[0].hex()
    vectors["spnego"]["server_messages"] = [{"plaintext": server_plaintext.hex(), "wrapped": server[2].hex()}]
    vectors["spnego"]["messages"] = [
        {"plaintext": m.hex(), "wrapped": client.wrap(m, encrypt=True).data.hex()} for m in messages
    ]
json.dump(vectors, sys.stdout, indent=1)
print()
