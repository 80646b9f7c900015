"""One way to reach a cluster: the embedded API server or any kubeconfig context.

Notebooks, tests, the controllers' runner and the scenarios all call :func:`connect` and never
branch on which cluster it is. ``MATHCTL_CLUSTER`` chooses:

* ``embedded`` (the default unless ``KUBECONFIG`` is set): the server of ``$MATHCTL_HOME``
  (``mathctl up``), started here if it does not run yet;
* ``kubeconfig``: the current context of ``$KUBECONFIG`` (or ``~/.kube/config``);
* anything else: that context name (e.g. ``minikube``).

:func:`wait_for` is the kit's one way to wait for a condition: poll with a deadline and fail
with a sentence saying what did not happen.
"""

from __future__ import annotations

import getpass
import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from kubernetes.client import ApiClient

T = TypeVar("T")
EMBEDDED = "embedded"
KUBECONFIG = "kubeconfig"


class ClusterUnreachable(RuntimeError):
    """No cluster answers where the configuration points; the message says what to do."""


@dataclass
class Cluster:
    """A configured client and where it points."""

    api_client: ApiClient
    kubeconfig: str
    context: str
    kind: str          # "embedded" or "kubeconfig"
    server: str        # the API server URL

    def __repr__(self) -> str:
        return f"Cluster(kind={self.kind!r}, context={self.context!r}, server={self.server!r})"


def choice() -> str:
    """What ``MATHCTL_CLUSTER`` asks for, with the default applied."""
    value = os.environ.get("MATHCTL_CLUSTER", "").strip()
    if value:
        return value
    return KUBECONFIG if os.environ.get("KUBECONFIG") else EMBEDDED


def connect(*, check: bool = True) -> Cluster:
    """The cluster ``MATHCTL_CLUSTER`` names, checked to answer (unless ``check=False``)."""
    wanted = choice()
    if wanted == EMBEDDED:
        from mathctl.apiserver.lifecycle import CONTEXT, ServerError, ensure_running

        try:
            info, _ = ensure_running()
        except ServerError as exc:
            raise ClusterUnreachable(f"{exc}\n(or set MATHCTL_CLUSTER to a kubeconfig context, "
                                     "e.g. MATHCTL_CLUSTER=minikube)") from None
        return _from_kubeconfig(str(info.kubeconfig), CONTEXT, EMBEDDED, check)
    from kubernetes import config

    path = os.environ.get("KUBECONFIG", "").split(os.pathsep)[0] or str(
        Path("~/.kube/config").expanduser())
    if not Path(path).exists():
        raise ClusterUnreachable(
            f"MATHCTL_CLUSTER={wanted} needs a kubeconfig, and {path} does not exist: run "
            "`minikube start` (it writes one), set KUBECONFIG, or unset MATHCTL_CLUSTER to use "
            "the embedded server.")
    contexts, current = config.list_kube_config_contexts(config_file=path)
    names = [c["name"] for c in contexts]
    context = (current or {}).get("name", "") if wanted == KUBECONFIG else wanted
    if context not in names:
        raise ClusterUnreachable(
            f"There is no context {context!r} in {path} (it has: {', '.join(names) or 'none'}). "
            "Set MATHCTL_CLUSTER to one of those, or unset it to use the embedded server.")
    return _from_kubeconfig(path, context, KUBECONFIG, check)


def _from_kubeconfig(path: str, context: str, kind: str, check: bool) -> Cluster:
    from kubernetes import client, config

    api_client = config.new_client_from_config(config_file=path, context=context)
    server = api_client.configuration.host
    if check:
        try:
            client.VersionApi(api_client).get_code(_request_timeout=5)
        except Exception as exc:
            api_client.close()
            hint = ("run `mathctl up`" if kind == EMBEDDED else
                    "run `minikube start` or unset MATHCTL_CLUSTER to use the embedded server")
            raise ClusterUnreachable(
                f"No cluster answers at {server} (context {context!r} in {path}): {hint}. "
                f"({type(exc).__name__}: {exc})") from None
    return Cluster(api_client=api_client, kubeconfig=path, context=context, kind=kind,
                   server=server)


def wait_for(predicate: Callable[[], T], timeout: float = 10.0, what: str = "the condition",
             *, interval: float = 0.05) -> T:
    """Call ``predicate`` until it returns something truthy; return that, or raise TimeoutError.

    ``what`` completes the sentence "timed out after 10.0 s waiting for …".
    """
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout:.1f} s waiting for {what}")
        time.sleep(interval)  # polling interval between checks of the condition


NAMESPACE_ENV = "MATHCTL_NAMESPACE"
NAMESPACE_PREFIX = "workshop-"
_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


def learner_namespace(user: str | None = None) -> str:
    """The learner's namespace: ``$MATHCTL_NAMESPACE``, or ``workshop-`` + the login name made
    DNS-1123-safe.

    One name for the notebooks, ``mathctl run`` and ``mathctl get``/``tree``, so a controller
    started in a terminal acts on what a notebook created, and one learner's work stays apart
    from another's on a shared cluster.
    """
    explicit = os.environ.get(NAMESPACE_ENV, "").strip()
    if explicit:
        if len(explicit) > 63 or not _LABEL.match(explicit):
            raise ValueError(
                f"{NAMESPACE_ENV}={explicit!r} is not a valid namespace name: use at most 63 "
                "lower-case letters, digits and '-', starting and ending with a letter or digit "
                "(e.g. workshop-alice)."
            )
        return explicit
    if user is None:
        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = ""
    safe = re.sub(r"[^a-z0-9-]+", "-", user.lower()).strip("-")
    safe = safe[: 63 - len(NAMESPACE_PREFIX)].rstrip("-") or "learner"
    return NAMESPACE_PREFIX + safe


def cmd_namespace(args: object) -> int:
    """``mathctl namespace``: the learner's namespace, alone on a line, for use in a shell:
    ``kubectl delete namespace "$(.venv/bin/mathctl namespace)"`` works where ``$USER`` is
    unset (containers, CI), which ``workshop-$USER`` does not."""
    try:
        print(learner_namespace())
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
