"""What does server-side apply cost next to the writes it replaces? Prints a table; asserts
nothing.

    .venv/bin/python bench/apply.py               # 2 000 Numbers per row
    .venv/bin/python bench/apply.py --count 500   # a quicker look

One client (a keep-alive ``requests.Session``, as a controller's), one fresh server. Each row
runs ``--count`` requests, one per Number, and reports requests/s and the server's CPU per
request (``/proc``), which the machine's load changes less than wall time:

* ``create (POST)`` and ``merge patch spec`` are the writes a controller makes without apply;
* ``apply: create`` makes each Number by apply, ``apply: no change`` sends the same
  configuration again (the server must write nothing: the row counts resourceVersions that
  moved), ``apply: change spec`` applies a new value, ``apply: second manager, same value``
  makes a second owner of an equal value (shared ownership), and ``apply: conflict`` is the
  409 a third manager gets for a different value without ``force``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from list_paging import cpu_seconds  # noqa: E402

from mathctl.apiserver.testing import EmbeddedServer  # noqa: E402

GROUP_VERSION = "math.mathctl.example/v1beta1"
APPLY = "application/apply-patch+yaml"
MERGE = "application/merge-patch+json"


def number(name: str, value: int) -> dict[str, Any]:
    return {"apiVersion": GROUP_VERSION, "kind": "Number", "metadata": {"name": name},
            "spec": {"value": value}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    args = parser.parse_args()
    import requests

    with EmbeddedServer() as server:
        session = requests.Session()
        session.trust_env = False
        session.verify = str(server.ca_cert)
        session.headers["Authorization"] = f"Bearer {server.token}"
        for doc in (ROOT / "crds" / "number.yaml",):
            import yaml

            crd = yaml.safe_load(doc.read_text())
            session.post(server.url + "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                         json=crd).raise_for_status()
        session.post(server.url + "/api/v1/namespaces",
                     json={"metadata": {"name": "bench"}}).raise_for_status()
        base = server.url + f"/apis/{GROUP_VERSION}/namespaces/bench/numbers"
        while session.get(base).status_code != 200:   # the CRD being established
            time.sleep(0.05)

        def send(method: str, path: str, body: dict[str, Any], content_type: str,
                 expect: int, **params: str) -> requests.Response:
            r = session.request(method, base + path, data=json.dumps(body), params=params,
                                headers={"Content-Type": content_type})
            if r.status_code != expect:
                raise SystemExit(f"{method} {path}: {r.status_code} {r.text[:300]}")
            return r

        def row(label: str, one: Callable[[int], Any]) -> None:
            cpu, started = cpu_seconds(server.pid), time.perf_counter()
            for i in range(args.count):
                one(i)
            took, used = time.perf_counter() - started, cpu_seconds(server.pid) - cpu
            print(f"{label:38} {args.count / took:8.0f} {1000 * used / args.count:10.3f}")

        def rv(name: str) -> str:
            return str(session.get(f"{base}/{name}").json()["metadata"]["resourceVersion"])

        print(f"{'request':38} {'per s':>8} {'server CPU ms':>14}")
        row("create (POST)", lambda i: send("POST", "", number(f"p{i}", i),
                                            "application/json", 201))
        row("merge patch spec", lambda i: send("PATCH", f"/p{i}", {"spec": {"value": i + 1}},
                                               MERGE, 200))
        row("apply: create", lambda i: send("PATCH", f"/a{i}", number(f"a{i}", i), APPLY, 201,
                                            fieldManager="bench"))
        before = [rv(f"a{i}") for i in range(args.count)]
        row("apply: no change", lambda i: send("PATCH", f"/a{i}", number(f"a{i}", i), APPLY, 200,
                                               fieldManager="bench"))
        moved = sum(rv(f"a{i}") != before[i] for i in range(args.count))
        print(f"{'':38} resourceVersions moved by the no-change applies: {moved}")
        row("apply: change spec", lambda i: send("PATCH", f"/a{i}", number(f"a{i}", i + 1),
                                                 APPLY, 200, fieldManager="bench"))
        row("apply: second manager, same value",
            lambda i: send("PATCH", f"/a{i}", number(f"a{i}", i + 1), APPLY, 200,
                           fieldManager="other"))
        row("apply: conflict (409, no force)",
            lambda i: send("PATCH", f"/a{i}", number(f"a{i}", -1), APPLY, 409,
                           fieldManager="third"))


if __name__ == "__main__":
    main()
