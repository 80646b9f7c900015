"""Count every write a controller sends, the same way for both sides, and crash on cue.

Why it exists: the scenarios compare how many API writes the event switch and the reconcile
loop made, so both must be measured with one instrument. :class:`RecordingApiClient` is an
``ApiClient`` of the official client whose ``call_api`` (the one method every generated API
and the dynamic client funnel their HTTP through) notes each POST/PUT/PATCH/DELETE with the
server's answer — including the writes the server refused (409 AlreadyExists, 404 NotFound),
which the reconcile loop's own :class:`~mathctl.controllers.outcome.Outcome` does not list.
The requests still go to the real API server; nothing is faked.

It also injects the "crash after the first child write" fault: once armed, it raises
:class:`InjectedCrash` right after the server accepted the n-th write of a given kind, the way
a process killed at that instant would leave the cluster. Used by
:mod:`mathctl.scenarios.harness` for the controller under test and for the learner's own
("by hand") steps.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kubernetes.client import ApiClient, Configuration

_VERBS = {"POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}
_PATH = re.compile(
    r"/apis/(?P<group>[^/]+)/(?P<version>[^/]+)/namespaces/(?P<namespace>[^/]+)/"
    r"(?P<plural>[^/?]+)(?:/(?P<name>[^/?]+))?(?:/(?P<sub>[^/?]+))?"
)
_KINDS = {"numbers": "Number", "tuples": "Tuple", "fermats": "Fermat"}


class InjectedCrash(BaseException):
    """The controller process "dies" here.

    A ``BaseException`` (like ``SystemExit``), so no ``except Exception`` in controller code can
    swallow it: a killed process runs none of its error handling.
    """


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

    def __str__(self) -> str:
        text = f"{self.verb} {self.target}"
        if not self.accepted:
            text += f" ✗ {self.status} {self.reason}".rstrip()
        return text


@dataclass
class _Crash:
    kind: str
    after: int
    seen: int = 0


class RecordingApiClient(ApiClient):
    """An ``ApiClient`` that records every write it sends and can crash after the n-th one."""

    def __init__(self, configuration: Configuration) -> None:
        super().__init__(configuration)
        self.writes: list[WriteRecord] = []
        self._crash: _Crash | None = None

    def arm_crash(self, *, kind: str, after: int) -> None:
        """Raise :class:`InjectedCrash` once the server accepted ``after`` writes of ``kind``."""
        if after < 1:
            raise ValueError(f"after must be at least 1 (the first write), not {after}.")
        self._crash = _Crash(kind=kind, after=after)

    @property
    def crash_armed(self) -> bool:
        return self._crash is not None

    def call_api(self, method: str, url: str, header_params: Any = None, body: Any = None,
                 post_params: Any = None, _request_timeout: Any = None) -> Any:
        response = super().call_api(method, url, header_params, body, post_params,
                                    _request_timeout=_request_timeout)
        verb = _VERBS.get(method.upper())
        if verb is None:
            return response
        record = _record(verb, url, body, response)
        self.writes.append(record)
        crash = self._crash
        if crash is not None and record.accepted and record.kind == crash.kind:
            crash.seen += 1
            if crash.seen >= crash.after:
                self._crash = None
                raise InjectedCrash(f"crashed right after write {crash.seen} ({record})")
        return response


def _record(verb: str, url: str, body: Any, response: Any) -> WriteRecord:
    match = _PATH.search(url.split("?", 1)[0])
    plural = match["plural"] if match else "?"
    name = match["name"] if match and match["name"] else _body_name(body)
    sub = match["sub"] if match else None
    status = int(response.status)
    reason = "" if 200 <= status < 300 else _reason(response)
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
