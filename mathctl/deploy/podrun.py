"""Run the operator exactly as its pod would, against a throwaway embedded API server.

Why it exists: RBAC mistakes show up only when the operator runs with its own identity — a
missing verb is a 403 in production, not in a notebook running as cluster-admin. There is no
kubelet here, so :class:`PodRun` does the kubelet's part by hand:

1. starts an embedded API server (RBAC on for every token but the admin's; each authorized
   request is written to the server log as an audit line, see :mod:`mathctl.apiserver.auth.rbac`);
2. applies ``deploy/install.yaml`` as the admin — the CRDs, the namespace, the ServiceAccount,
   its ClusterRole and binding (the Deployment is stored, nothing runs it);
3. asks for the ServiceAccount's token through the TokenRequest API (what ``kubectl create
   token`` does) and writes a kubeconfig with only that token — the pod's credentials;
4. starts the container's command — the Dockerfile's ENTRYPOINT followed by the Deployment's
   ``args``, with the Deployment's ``env`` — as a process, with its liveness endpoint on a free
   local port, able to import only what the image installs (:mod:`.image`);
5. lets a caller drive the workshop's samples through every kind of change
   (:func:`exercise_samples`) and collect what the operator asked of the server
   (:meth:`PodRun.requests`) and what it logged (:meth:`PodRun.log`).

Used by ``tests/deploy`` (the operator converges as its ServiceAccount; the ClusterRole is
exactly what it needs; a missing verb is a clear 403 in its log) and by
``python -m mathctl.deploy rbac``.
"""

from __future__ import annotations

import copy
import os
import signal
import socket
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from mathctl.apiserver.auth.rbac import Attributes, parse_audit_lines, service_account_username
from mathctl.cluster import wait_for
from mathctl.deploy import install, permissions
from mathctl.deploy.dockerfile import Dockerfile
from mathctl.resources.group import GROUP, VERSION

SAMPLES = install.CRDS / "samples"
SAMPLE_NAMESPACE = "mathctl-samples"
Document = dict[str, Any]


def install_documents() -> list[Document]:
    """The documents of the generated install.yaml (regenerated in memory, so always current)."""
    return install.documents(install.render())


def find(documents: list[Document], kind: str, name: str | None = None) -> Document:
    for doc in documents:
        if doc.get("kind") == kind and (name is None or doc["metadata"]["name"] == name):
            return doc
    raise LookupError(f"no {kind} {name or ''} in install.yaml")


def operator_container(documents: list[Document]) -> Document:
    deployment = find(documents, "Deployment")
    return deployment["spec"]["template"]["spec"]["containers"][0]  # type: ignore[no-any-return]


def pod_command(dockerfile: Dockerfile, container: Mapping[str, Any], liveness_port: int,
                ) -> list[str]:
    """The container's command line as the kubelet starts it, made runnable on this machine.

    Kubernetes semantics: the container's ``command`` (else the image's ENTRYPOINT), then its
    ``args`` (else the image's CMD). The liveness endpoint moves to ``127.0.0.1:<port>``, and a
    console script (``kopf``) is run by this Python with ``-S``: no site-packages, so only
    what ``PYTHONPATH`` offers (the image's packages) can be imported.
    """
    command = list(container.get("command") or dockerfile.entrypoint())
    args = list(container.get("args") if "args" in container else dockerfile.cmd())
    line = command + args
    script = Path(sys.executable).parent / line[0] if line else None
    if script is not None and script.exists():
        # the console script, run by this Python without site-packages (see .image)
        line[:1] = [sys.executable, "-S", str(script)]
    for n, word in enumerate(line):
        if word.startswith("--liveness="):
            path = "/" + word.split("://", 1)[1].split("/", 1)[1]
            line[n] = f"--liveness=http://127.0.0.1:{liveness_port}{path}"
    return line


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _write_kubeconfig(path: Path, server: str, ca_file: Path, user: str, token: str,
                      namespace: str) -> None:
    import base64

    ca = base64.b64encode(ca_file.read_bytes()).decode()
    config = {
        "apiVersion": "v1", "kind": "Config", "current-context": "pod",
        "clusters": [{"name": "embedded", "cluster": {"server": server,
                                                      "certificate-authority-data": ca}}],
        "users": [{"name": user, "user": {"token": token}}],
        "contexts": [{"name": "pod", "context": {"cluster": "embedded", "user": user,
                                                 "namespace": namespace}}],
    }
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    path.chmod(0o600)


class PodRun:
    """An embedded server with install.yaml applied, and the operator running as its pod.

    ``edit_documents`` may change install.yaml's documents before they are applied (tests
    remove a verb from the ClusterRole, or apply an overlay). ``image_only`` makes the operator
    process unable to import anything the image does not install.
    """

    def __init__(self, *, edit_documents: Callable[[list[Document]], list[Document]] | None
                 = None, documents: list[Document] | None = None, image_only: bool = True,
                 start_timeout: float = 60.0) -> None:
        self.documents = documents if documents is not None else install_documents()
        if edit_documents is not None:
            self.documents = edit_documents(copy.deepcopy(self.documents))
        self.image_only = image_only
        self.start_timeout = start_timeout
        self.server: Any = None
        self.admin: Any = None
        self.proc: subprocess.Popen[bytes] | None = None
        self.workdir = Path(tempfile.mkdtemp(prefix="mathctl-podrun-"))
        self.log_path = self.workdir / "operator.log"
        self.liveness_port = _free_port()
        self.command: list[str] = []
        self.service_account = find(self.documents, "ServiceAccount")["metadata"]

    # --- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> PodRun:
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> PodRun:
        from mathctl.apiserver.testing import EmbeddedServer

        with _environment(MATHCTL_APISERVER_LOG="INFO"):
            self.server = EmbeddedServer().start()
        self.admin = self.server.api_client()
        self._apply(self.documents)
        token = self._service_account_token()
        sa = self.service_account
        kubeconfig = self.workdir / "kubeconfig"
        _write_kubeconfig(kubeconfig, self.server.url, self.server.ca_cert,
                          service_account_username(sa["namespace"], sa["name"]), token,
                          sa["namespace"])
        self._start_operator(kubeconfig)
        return self

    def stop_operator(self, timeout: float = 20.0) -> int | None:
        """SIGTERM the operator (as the kubelet does) and wait; SIGKILL if it hangs."""
        proc = self.proc
        if proc is None:
            return None
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        return proc.returncode

    def close(self) -> None:
        self.stop_operator()
        if self.admin is not None:
            self.admin.close()
            self.admin = None
        if self.server is not None:
            self.server.close()
            self.server = None
        import shutil

        shutil.rmtree(self.workdir, ignore_errors=True)

    # --- what happened -----------------------------------------------------------------------

    def log(self) -> str:
        """Everything the operator wrote to stdout and stderr so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace") \
            if self.log_path.exists() else ""

    def requests(self) -> list[tuple[Attributes, bool]]:
        """Every request the ServiceAccount made, with RBAC's decision, in order."""
        text = (self.server.root / "server.log").read_text(encoding="utf-8", errors="replace")
        sa = self.service_account
        user = service_account_username(sa["namespace"], sa["name"])
        return [(a, ok) for a, ok in parse_audit_lines(text) if a.user.name == user]

    def footprint(self) -> tuple[float, float] | None:
        """``(peak resident MiB, CPU seconds)`` of the running operator (Linux), else None:
        the figures behind the Deployment's requests."""
        if self.proc is None or self.proc.poll() is not None:
            return None
        try:
            status = Path(f"/proc/{self.proc.pid}/status").read_text()
            stat = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        peak_kib = int(status.split("VmHWM:")[1].split()[0])
        ticks = int(stat[11]) + int(stat[12])  # utime + stime (fields 14, 15)
        return peak_kib / 1024, ticks / os.sysconf("SC_CLK_TCK")

    def recorded(self) -> set[permissions.Permission]:
        """What the ServiceAccount's recorded requests needed."""
        return permissions.from_requests(a for a, _ in self.requests())

    def needed(self) -> set[permissions.Permission]:
        """What the recorded requests needed, plus the reads only a conflict causes and the
        owners' finalizers updates that blockOwnerDeletion needs under admission."""
        return (self.recorded() | permissions.conflict_reads()
                | permissions.owner_finalizer_updates())

    def denied(self) -> set[permissions.Permission]:
        return permissions.from_requests(a for a, ok in self.requests() if not ok)

    def granted(self) -> set[permissions.Permission]:
        return permissions.from_rules(find(self.documents, "ClusterRole")["rules"])

    # --- steps -------------------------------------------------------------------------------

    def _apply(self, documents: list[Document]) -> None:
        from kubernetes import client, utils

        ext = client.ApiextensionsV1Api(self.admin)
        for doc in documents:
            utils.create_from_dict(self.admin, doc)
        for doc in documents:
            if doc["kind"] == "CustomResourceDefinition":
                name = doc["metadata"]["name"]
                wait_for(lambda n=name: _established(ext, n), timeout=30,  # type: ignore[misc]
                         what=f"CRD {name} to be Established")

    def _service_account_token(self) -> str:
        from kubernetes import client

        sa = self.service_account
        request = client.AuthenticationV1TokenRequest(
            spec=client.V1TokenRequestSpec(audiences=[], expiration_seconds=3600))
        answer = client.CoreV1Api(self.admin).create_namespaced_service_account_token(
            sa["name"], sa["namespace"], request)
        return str(answer.status.token)

    def _start_operator(self, kubeconfig: Path) -> None:
        container = operator_container(self.documents)
        self.command = pod_command(Dockerfile.read(), container, self.liveness_port)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("MATHCTL_", "KUBE", "KOPF_"))}
        env.update({e["name"]: str(e.get("value", "")) for e in container.get("env") or ()})
        env["KUBECONFIG"] = str(kubeconfig)
        if self.image_only:
            from mathctl.deploy.image import image_site

            env["PYTHONPATH"] = str(image_site(self.workdir / "site"))
        else:
            self.command = [w for w in self.command if w != "-S"]
        log = self.log_path.open("wb")
        try:
            self.proc = subprocess.Popen(self.command, env=env, stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=subprocess.STDOUT,
                                         cwd=self.workdir)
        finally:
            log.close()
        url = f"http://127.0.0.1:{self.liveness_port}/healthz"

        def alive() -> bool:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"the operator exited with code {self.proc.returncode} "
                                   f"before it was live; its log:\n{self.log()[-3000:]}")
            return liveness(url)

        wait_for(alive, timeout=self.start_timeout, interval=0.1,
                 what=f"the operator's liveness endpoint {url}")


def liveness(url: str) -> bool:
    """True when kopf's liveness endpoint answers 200 (what the kubelet's probe checks)."""
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return bool(answer.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _established(ext: Any, name: str) -> bool:
    crd = ext.read_custom_resource_definition(name)
    return any(c.type == "Established" and c.status == "True"
               for c in (crd.status.conditions or []) if crd.status)


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


# --- the workshop's samples, through every kind of change ----------------------------------------


def sample(name: str) -> Document:
    return yaml.safe_load((SAMPLES / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _converged(obj: Mapping[str, Any]) -> bool:
    status = obj.get("status") or {}
    return bool(status.get("observedGeneration") == obj["metadata"].get("generation")
                and any(c.get("type") == "Ready" for c in status.get("conditions") or ()))


def exercise_samples(api: Any, namespace: str = SAMPLE_NAMESPACE, timeout: float = 60.0,
                     ) -> dict[str, Any]:
    """Drive the samples through create, edit, hand-edit and hand-delete; wait for each to
    converge. Returns what was observed (for assertions). Raises TimeoutError with what did
    not happen when the operator does not converge.

    Every controller path that touches the API is taken: Numbers get a status; a Tuple creates
    its Numbers; shrinking it deletes one; a Number edited by hand is put back (update);
    a Number deleted by hand is re-created; a Fermat creates its Tuples and finds 13 = 2² + 3²;
    a Tuple edited by hand is put back; a smaller Fermat number deletes Tuples.
    """
    from kubernetes import client

    core = client.CoreV1Api(api)
    custom = client.CustomObjectsApi(api)
    core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=namespace)))

    def get(plural: str, name: str) -> Document | None:
        try:
            return custom.get_namespaced_custom_object(GROUP, VERSION, namespace, plural, name)
        except client.ApiException as exc:
            if exc.status == 404:
                return None
            raise

    def create(plural: str, body: Document) -> None:
        custom.create_namespaced_custom_object(GROUP, VERSION, namespace, plural, body)

    def converged(plural: str, name: str) -> Document | None:
        obj = get(plural, name)
        return obj if obj is not None and _converged(obj) else None

    def settle(plural: str, name: str, what: str,
               check: Callable[[Document], bool] = lambda o: True) -> Document:
        return wait_for(lambda: (o := converged(plural, name)) is not None and check(o) and o,
                        timeout=timeout, interval=0.1, what=what)  # type: ignore[return-value]

    seen: dict[str, Any] = {}
    create("numbers", sample("number-15.yaml"))
    seen["fifteen"] = settle("numbers", "fifteen", "Number fifteen's status")
    create("tuples", sample("tuple-sample.yaml"))
    seen["squares"] = settle("tuples", "squares", "Tuple squares to be all squares",
                             lambda o: o["status"].get("allSquares") is True)
    # shrink the Tuple: its controller deletes squares-2
    custom.patch_namespaced_custom_object(GROUP, VERSION, namespace, "tuples", "squares",
                                          {"spec": {"numbers": [1, 4]}})
    wait_for(lambda: get("numbers", "squares-2") is None, timeout=timeout, interval=0.1,
             what="the operator to delete Number squares-2 after the Tuple shrank")
    settle("tuples", "squares", "Tuple squares to report its new generation")
    # edit a child by hand: its parent puts the spec back (an update, same uid)
    child = get("numbers", "squares-0")
    assert child is not None
    custom.patch_namespaced_custom_object(GROUP, VERSION, namespace, "numbers", "squares-0",
                                          {"spec": {"value": 7}})
    wait_for(lambda: (get("numbers", "squares-0") or {}).get("spec", {}).get("value") == 1,
             timeout=timeout, interval=0.1,
             what="the operator to put Number squares-0 back to value 1")
    # delete a child by hand: it comes back (a create, new uid)
    old_uid = (get("numbers", "squares-1") or {})["metadata"]["uid"]
    custom.delete_namespaced_custom_object(GROUP, VERSION, namespace, "numbers", "squares-1")
    wait_for(lambda: (o := get("numbers", "squares-1")) is not None
             and o["metadata"]["uid"] != old_uid, timeout=timeout, interval=0.1,
             what="the operator to re-create Number squares-1 after it was deleted")
    create("fermats", sample("fermat-13.yaml"))
    seen["thirteen"] = settle("fermats", "thirteen", "Fermat thirteen to find its pair",
                              lambda o: o["status"].get("twoSquaresFound") is True)
    # the same for the Fermat's children: a Tuple edited by hand is put back …
    custom.patch_namespaced_custom_object(GROUP, VERSION, namespace, "tuples", "thirteen-0",
                                          {"spec": {"numbers": [5, 8]}})
    wait_for(lambda: (get("tuples", "thirteen-0") or {}).get("spec", {}).get("numbers")
             == [0, 13], timeout=timeout, interval=0.1,
             what="the operator to put Tuple thirteen-0 back to [0, 13]")
    # … and a smaller number deletes the Tuples no longer wanted (5: [0, 5], [1, 4], [2, 3])
    custom.patch_namespaced_custom_object(GROUP, VERSION, namespace, "fermats", "thirteen",
                                          {"spec": {"number": 5}})
    wait_for(lambda: get("tuples", "thirteen-3") is None, timeout=timeout, interval=0.1,
             what="the operator to delete Tuple thirteen-3 after the Fermat's number shrank")
    seen["five"] = settle("fermats", "thirteen", "Fermat thirteen (now 5) to find 5 = 1 + 4",
                          lambda o: o["status"].get("pairs") == [{"a": 1, "b": 2}])
    seen["squares"] = settle("tuples", "squares", "Tuple squares to settle again",
                             lambda o: o["status"].get("allSquares") is True)
    return seen


def print_rbac_report() -> int:
    """``python -m mathctl.deploy rbac``: record a run, print needed vs granted rules."""
    with PodRun() as run:
        try:
            exercise_samples(run.admin)
            outcome = "converged"
        except TimeoutError as exc:
            outcome = f"did NOT converge ({exc})"
        footprint = run.footprint()
        run.stop_operator()
        needed, granted, denied = run.needed(), run.granted(), run.denied()
    print(f"The operator ran as its ServiceAccount and {outcome}.")
    if footprint:
        print(f"Its footprint: {footprint[0]:.0f} MiB peak resident, {footprint[1]:.2f} s CPU "
              "(compare deploy/base/deployment.yaml's resources).")
    print("Rules its requests needed (paste into deploy/base/clusterrole.yaml if they differ):")
    print(yaml.safe_dump({"rules": permissions.to_rules(needed)}, sort_keys=False), end="")
    if denied:
        print("Denied (403):\n" + permissions.describe(denied))
    if granted - needed:
        print("Granted but never used:\n" + permissions.describe(granted - needed))
    print("(the rules include the reads a reconcile makes only after a 409 Conflict; see "
          "mathctl.deploy.permissions.conflict_reads)")
    if needed == granted:
        print("deploy/base/clusterrole.yaml grants exactly these.")
        return 0
    return 1

