"""The one call a controller under test answers: here is a watch event, what did you do?

Why it exists: the harness feeds the event switch and the reconcile loop the very same
events, so both implement :class:`Controller` — ``handle(event)`` with a watch event in the
shape ``kubernetes.watch.Watch().stream()`` yields — and report a :class:`Handling`: a short
note for the timeline and whether the event should come back later (a reconcile that failed
is requeued, as a work queue would; the event switch never asks). The writes themselves are
not reported here: the harness counts them on the wire (:mod:`mathctl.scenarios.writes`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from kubernetes.client import ApiClient
from kubernetes.client.exceptions import ApiException

from mathctl.scenarios.watching import WatchEvent


@dataclass(frozen=True)
class Handling:
    """What a controller says about one event: a note for the timeline, and "try me again"."""

    note: str = ""
    retry: bool = False


class Controller(Protocol):
    """A controller under test: a fresh instance is a freshly started process (empty memory)."""

    def handle(self, event: WatchEvent) -> Handling:
        """React to one watch event, making whatever API writes it decides on."""
        ...


ControllerFactory = Callable[[ApiClient, str], Controller]
"""Start a controller process: ``factory(api_client, namespace)``."""


def short_error(exc: ApiException) -> str:
    """``409 AlreadyExists`` — the status and the server's reason, nothing run-specific (the
    server's message names the namespace, which differs from run to run)."""
    reason = ""
    try:
        body = json.loads(exc.body or "{}")
        reason = body.get("reason", "") if isinstance(body, dict) else ""
    except (TypeError, ValueError):
        pass
    return f"{exc.status} {reason or exc.reason or ''}".strip()
