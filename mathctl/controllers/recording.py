"""An ``ApiClient`` that notes every write it sends — one instrument for every controller.

Why it exists: "a converged object makes zero writes" must be measured the same way for the
package's reconcile loops, the scenarios' event switch and the learner's own functions, which
call the official client directly and so cannot report their writes themselves.
:class:`RecordingApiClient` is an official-client ``ApiClient`` whose ``call_api`` (the one
method every generated API funnels its HTTP through) sends each request unchanged to the real
server and records each POST/PUT/PATCH/DELETE with the server's answer, refused ones included
(409 AlreadyExists, 404 NotFound). Before a write leaves, it calls ``before_write`` with the
:class:`~mathctl.controllers.outcome.Write` it is about to make: that is how a test or a check
makes a real 409 happen between a controller's read and its write.

Used by :mod:`mathctl.controllers.learner` (the learner's reconcilers in the operator and the
checks) and :mod:`mathctl.scenarios.writes` (which adds the injected crash).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kubernetes.client import ApiClient, Configuration

from mathctl.controllers.objects import BeforeWrite
from mathctl.controllers.outcome import Write
from mathctl.resources.group import KINDS

_VERBS = {"POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}
_PATH = re.compile(
    r"/apis/(?P<group>[^/]+)/(?P<version>[^/]+)/namespaces/(?P<namespace>[^/]+)/"
    r"(?P<plural>[^/?]+)(?:/(?P<name>[^/?]+))?(?:/(?P<sub>[^/?]+))?"
)
_KINDS = {k.plural: k.kind for k in KINDS}


@dataclass(frozen=True)
class WriteRecord:
    """One write request as the server answered it (no uids or resourceVersions: deterministic)."""

    verb: str
    kind: str
    name: str
    subresource: str | None
    status: int
    reason: str = ""

    @property
    def accepted(self) -> bool:
        return 200 <= self.status < 300

    @property
    def target(self) -> str:
        """``Number tuple-x-0`` or ``Tuple tuple-x status``."""
        sub = f" {self.subresource}" if self.subresource else ""
        return f"{self.kind} {self.name}{sub}"

    @property
    def write(self) -> Write:
        """As an :class:`Outcome` lists it: a PUT or PATCH of ``/status`` is verb ``status``."""
        if self.subresource == "status" and self.verb in ("update", "patch"):
            return Write("status", self.kind, self.name)
        verb = "update" if self.verb == "patch" else self.verb
        return Write(verb, self.kind, self.name)  # type: ignore[arg-type]

    def __str__(self) -> str:
        text = f"{self.verb} {self.target}"
        if not self.accepted:
            text += f" ✗ {self.status} {self.reason}".rstrip()
        return text


class RecordingApiClient(ApiClient):
    """An ``ApiClient`` that records every write it sends, calling ``before_write`` first.

    ``RecordingApiClient(configuration)`` has connections of its own;
    :meth:`sharing` makes a cheap one over another client's connection pool (one per
    reconcile call, so concurrent reconciles keep separate records); closing it leaves the
    pool to its owner.
    """

    def __init__(self, configuration: Configuration, *,
                 before_write: BeforeWrite | None = None) -> None:
        super().__init__(configuration)
        self.writes: list[WriteRecord] = []
        self.not_found: list[WriteRecord] = []
        """Reads (GET) the server answered with 404, as records with verb ``get``."""
        self.before_write = before_write
        self._owns_pool = True

    @classmethod
    def sharing(cls, api: ApiClient, *,
                before_write: BeforeWrite | None = None) -> RecordingApiClient:
        """A recording client that sends through ``api``'s connection pool."""
        recording = cls(api.configuration, before_write=before_write)
        recording.rest_client.close()
        recording.rest_client = api.rest_client
        recording.default_headers = dict(api.default_headers)
        recording._owns_pool = False
        return recording

    @property
    def accepted(self) -> list[Write]:
        """The writes the server accepted, as :class:`Write` (what ``Outcome.writes`` holds)."""
        return [w.write for w in self.writes if w.accepted]

    def close(self) -> None:
        if self._owns_pool:
            super().close()

    def call_api(self, method: str, url: str, header_params: Any = None, body: Any = None,
                 post_params: Any = None, _request_timeout: Any = None) -> Any:
        verb = _VERBS.get(method.upper())
        if verb is not None and self.before_write is not None:
            self.before_write(_record(verb, url, body, None).write)
        response = super().call_api(method, url, header_params, body, post_params,
                                    _request_timeout=_request_timeout)
        if verb is not None:
            record = _record(verb, url, body, response)
            self.writes.append(record)
            self.recorded(record)
        elif method.upper() == "GET" and int(response.status) == 404:
            self.not_found.append(_record("get", url, None, response))
        return response

    def recorded(self, record: WriteRecord) -> None:
        """Called after each write the server answered (subclasses inject faults here)."""


def _record(verb: str, url: str, body: Any, response: Any) -> WriteRecord:
    match = _PATH.search(url.split("?", 1)[0])
    plural = match["plural"] if match else "?"
    name = match["name"] if match and match["name"] else _body_name(body)
    sub = match["sub"] if match else None
    status = 0 if response is None else int(response.status)
    reason = "" if response is None or 200 <= status < 300 else _reason(response)
    return WriteRecord(verb, _KINDS.get(plural, plural), name, sub, status, reason)


def _body_name(body: Any) -> str:
    if isinstance(body, Mapping):
        meta = body.get("metadata") or {}
        if isinstance(meta, Mapping):
            return str(meta.get("name") or meta.get("generateName") or "?")
    return "?"


def _reason(response: Any) -> str:
    """The ``reason`` of the server's Status answer (``AlreadyExists``, ``NotFound``, …)."""
    try:
        status = json.loads(response.read() or b"{}")
    except (TypeError, ValueError):
        return str(getattr(response, "reason", "") or "")
    if isinstance(status, dict) and isinstance(status.get("reason"), str):
        return str(status["reason"])
    return str(getattr(response, "reason", "") or "")
