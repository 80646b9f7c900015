"""``wait_settled(cluster, namespace)``: wait until the controllers have nothing left to do.

A notebook cell that shows the cluster right after changing it would show a moment of the
controller's work — different on every run. So stages wait for a condition first: every
Number, Tuple and Fermat of the namespace reports a status for its current generation
(``observedGeneration == generation``) with ``Ready=True`` — or ``Ready=False`` for a reason
that no further work will change (a Fermat above the tree limit). Then what the next cell shows
is the converged state, the same on every run, which is what nbval compares.
"""

from __future__ import annotations

from typing import Any

from mathctl.cluster import wait_for
from mathctl.core.desired import REASON_TOO_MANY_CHILDREN
from mathctl.views import describe as d
from mathctl.views.show import api_client_of
from mathctl.views.snapshot import Obj, Snapshot, take_snapshot

FINAL_REASONS = frozenset({REASON_TOO_MANY_CHILDREN})


def is_settled(obj: Obj) -> bool:
    """The controller has handled ``obj``'s current generation and will not change it again."""
    if d.is_stale(obj) or not d.status(obj):
        return False
    cond = d.condition(obj)
    return cond is not None and (cond.get("status") == "True"
                                 or cond.get("reason") in FINAL_REASONS)


def pending(snapshot: Snapshot) -> list[str]:
    """``Kind/name`` of every object that is not settled yet."""
    return [f"{o.get('kind')}/{d.name(o)}" for o in snapshot.all() if not is_settled(o)]


def wait_settled(cluster: Any, namespace: str, timeout: float = 30.0) -> Snapshot:
    """Wait until every object of ``namespace`` is settled; return that snapshot.

    On timeout the error names the objects still pending (is the operator running?).
    """
    api_client = api_client_of(cluster)
    last: list[Snapshot] = []

    def settled() -> Snapshot | None:
        last[:] = [take_snapshot(api_client, namespace)]
        return last[0] if not pending(last[0]) else None

    try:
        return wait_for(settled, timeout, f"the objects of {namespace} to settle", interval=0.05)
    except TimeoutError as err:
        waiting = pending(last[0]) if last else []
        shown = ", ".join(waiting[:8]) + (" …" if len(waiting) > 8 else "")
        raise TimeoutError(f"{err}; still pending: {shown}. Is the operator running "
                           "(operator.start())?") from None
