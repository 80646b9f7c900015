"""What one reconcile did: its writes, the conflicts it retried, whether the object was there.

Why it exists: "a converged object makes zero writes" is the property the workshop teaches,
so every reconcile returns an :class:`Outcome` listing its API writes. The tests assert on it,
the scenario harness (``mathctl.scenarios``) prints it beside the event-switch controller's
actions, the bench (``bench/controllers.py``) sums it, and the operator logs its summary.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

Verb = Literal["create", "update", "delete", "status"]


@dataclass(frozen=True)
class Write:
    """One API write: ``verb`` on the object ``kind``/``name`` (``status`` = a ``/status`` PUT)."""

    verb: Verb
    kind: str
    name: str

    def __str__(self) -> str:
        return f"{self.verb} {self.kind}/{self.name}"


@dataclass
class Outcome:
    """The result of one ``reconcile_*`` call for the object ``kind`` ``namespace``/``name``.

    ``found`` is False when the object did not exist (nothing to do: the server's garbage
    collector removes its children). ``writes`` lists every write that reached the server, in
    order, including those made before a conflict forced a retry. ``conflicts`` counts the 409
    answers that were retried from a fresh read. ``stale`` means the pass stopped on a conflict
    because what it read (from a cache) was out of date: the caller should run it again once the
    cache caught up. ``problems`` holds reasons the object could not be fully converged that no
    retry would fix (they are also in its ``Ready`` condition).
    """

    kind: str
    namespace: str
    name: str
    found: bool = True
    writes: list[Write] = field(default_factory=list)
    conflicts: int = 0
    problems: list[str] = field(default_factory=list)
    stale: bool = False

    @property
    def converged(self) -> bool:
        """True when the object was already as it should be: no write was needed."""
        return not self.writes and not self.problems and not self.stale

    def count(self, verb: Verb) -> int:
        """How many writes of the given verb were made."""
        return sum(1 for w in self.writes if w.verb == verb)

    def summary(self) -> str:
        """A one-line account for logs, e.g. ``Tuple ns/t: create×3 status (1 conflict)``."""
        head = f"{self.kind} {self.namespace}/{self.name}"
        if not self.found:
            return f"{head}: gone, nothing to do"
        if self.converged:
            parts = ["in sync, no writes"]
        else:
            counts = Counter(w.verb for w in self.writes)
            parts = [verb if n == 1 else f"{verb}×{n}" for verb, n in counts.items()]
        if self.conflicts:
            again = "to retry when the cache catches up" if self.stale else "retried"
            parts.append(f"({self.conflicts} conflict{'s' if self.conflicts != 1 else ''} {again})")
        parts.extend(f"[{p}]" for p in self.problems)
        return f"{head}: {' '.join(parts)}"
