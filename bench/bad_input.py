"""Amplification by bad input: what a tiny hostile body costs the embedded API server.

Issue 12 measured a 378-byte YAML "billion laughs" storing a 44 MB object (5 s blocked) and a
21-operation JSON patch (``copy`` into itself) storing ~100 MB. This prints, for each, the
answer code, the wall time of the request, the size the server then holds for the object and
whether ``/healthz`` still answers. Run: ``.venv/bin/python bench/bad_input.py``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import requests

from mathctl.apiserver.testing import EmbeddedServer

NS = "bench"
BOMB = (b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + b"".join(f"{c}: &{c} [{','.join(['*' + p] * 9)}]\n".encode()
                   for p, c in zip("abcdefg", "bcdefgh", strict=True))
        + b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\n")


def _message(response: requests.Response) -> str:
    try:
        return str(response.json().get("message", ""))[:70]
    except ValueError:
        return response.text[:70]


def main() -> None:
    with EmbeddedServer() as server:
        session = requests.Session()
        session.trust_env = False
        session.verify = str(server.ca_cert)
        session.headers["Authorization"] = f"Bearer {server.token}"
        base = f"{server.url}/api/v1/namespaces/{NS}/configmaps"
        session.post(f"{server.url}/api/v1/namespaces", json={
            "apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}}, timeout=30)
        print(f"{'attack':<32}{'body B':>8}{'code':>6}{'time s':>8}{'stored B':>12}  alive")
        _attack(session, server.url, "YAML billion laughs", BOMB, "bomb",
                lambda: session.post(base, data=BOMB, timeout=120,
                                     headers={"Content-Type": "application/yaml"}))
        session.post(base, json={"apiVersion": "v1", "kind": "ConfigMap",
                                 "metadata": {"name": "grow"},
                                 "data": {"k": "x" * 100}}, timeout=30)
        ops = [{"op": "copy", "from": "/data", "path": f"/data/a{i}"} for i in range(21)]
        patch = json.dumps(ops).encode()
        _attack(session, server.url, "JSON patch copy into itself", patch, "grow",
                lambda: session.patch(f"{base}/grow", data=patch, timeout=300, headers={
                    "Content-Type": "application/json-patch+json"}))


def _attack(session: requests.Session, url: str, label: str, body: bytes, name: str,
            send: Callable[[], requests.Response]) -> None:
    """Send one attack; print its code, time, the size then stored and the server's health."""
    start = time.perf_counter()
    r = send()
    took = time.perf_counter() - start
    stored = session.get(f"{url}/api/v1/namespaces/{NS}/configmaps/{name}", timeout=120)
    size = len(stored.content) if stored.status_code == 200 else 0
    alive = session.get(f"{url}/healthz", timeout=10).status_code == 200
    print(f"{label:<32}{len(body):>8}{r.status_code:>6}{took:>8.2f}{size:>12}  {alive}  "
          f"{_message(r)}")

if __name__ == "__main__":
    main()
