"""Count every write a controller sends, the same way for both sides, and crash on cue.

Why it exists: the scenarios compare how many API writes the event switch and the reconcile
loop made, so both must be measured with one instrument: the
:class:`~mathctl.controllers.recording.RecordingApiClient` (every request goes to the real API
server unchanged; each POST/PUT/PATCH/DELETE is noted with the server's answer, including the
writes the server refused — 409 AlreadyExists, 404 NotFound — which the reconcile loop's own
:class:`~mathctl.controllers.outcome.Outcome` does not list).

This module adds the "crash after the first child write" fault: once armed, the client raises
:class:`InjectedCrash` right after the server accepted the n-th write of a given kind, the way
a process killed at that instant would leave the cluster. Used by
:mod:`mathctl.scenarios.harness` for the controller under test and for the learner's own
("by hand") steps.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubernetes.client import Configuration

from mathctl.controllers.recording import RecordingApiClient as _Recording
from mathctl.controllers.recording import WriteRecord

__all__ = ["InjectedCrash", "RecordingApiClient", "WriteRecord"]


class InjectedCrash(BaseException):
    """The controller process "dies" here.

    A ``BaseException`` (like ``SystemExit``), so no ``except Exception`` in controller code can
    swallow it: a killed process runs none of its error handling.
    """


@dataclass
class _Crash:
    kind: str
    after: int
    seen: int = 0


class RecordingApiClient(_Recording):
    """A recording ``ApiClient`` that can also crash after the n-th accepted write of a kind."""

    def __init__(self, configuration: Configuration) -> None:
        super().__init__(configuration)
        self._crash: _Crash | None = None

    def arm_crash(self, *, kind: str, after: int) -> None:
        """Raise :class:`InjectedCrash` once the server accepted ``after`` writes of ``kind``."""
        if after < 1:
            raise ValueError(f"after must be at least 1 (the first write), not {after}.")
        self._crash = _Crash(kind=kind, after=after)

    @property
    def crash_armed(self) -> bool:
        return self._crash is not None

    def recorded(self, record: WriteRecord) -> None:
        crash = self._crash
        if crash is not None and record.accepted and record.kind == crash.kind:
            crash.seen += 1
            if crash.seen >= crash.after:
                self._crash = None
                raise InjectedCrash(f"crashed right after write {crash.seen} ({record})")
