"""The server's certificates: a CA that verifies a serving certificate for 127.0.0.1."""

from __future__ import annotations

import contextlib
import ssl
import stat
from pathlib import Path

from mathctl.apiserver import certs


def test_ca_verifies_the_serving_certificate(tmp_path: Path) -> None:
    ca, cert, key = certs.ensure(tmp_path)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    client = ssl.create_default_context(cafile=str(ca))
    client.verify_flags |= ssl.VERIFY_X509_STRICT
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    s_in, s_out = ssl.MemoryBIO(), ssl.MemoryBIO()
    c = client.wrap_bio(incoming, outgoing, server_hostname="127.0.0.1")
    s = server.wrap_bio(s_in, s_out, server_side=True)
    for _ in range(10):   # drive the handshake through memory buffers
        for side in (c, s):
            with contextlib.suppress(ssl.SSLWantReadError):
                side.do_handshake()
        s_in.write(outgoing.read())
        incoming.write(s_out.read())
    assert c.getpeercert()["subjectAltName"] == (("IP Address", "127.0.0.1"),
                                                 ("DNS", "localhost"))


def test_ensure_keeps_existing_certificates(tmp_path: Path) -> None:
    first = [p.read_bytes() for p in certs.ensure(tmp_path)]
    assert [p.read_bytes() for p in certs.ensure(tmp_path)] == first
