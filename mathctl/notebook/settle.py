"""``wait_settled(cluster, namespace)``: wait until the controllers have nothing left to do.

A notebook cell that shows the cluster right after changing it would show a moment of the
controller's work — different on every run. So stages wait for a condition first: every
Number, Tuple and Fermat of the namespace reports a status for its current generation
(``observedGeneration == generation``) with ``Ready=True`` — or ``Ready=False`` for a reason
that no further work will change (a Fermat above the tree limit). Then what the next cell shows
is the converged state, the same on every run, which is what nbval compares.

When the learner's own controller runs (``Operator(..., controllers="my_controllers.py")``)
and one of their functions is still a stub, or keeps raising, nothing will ever settle:
``wait_settled`` then prints the operator's one sentence about it (which function is not
written yet; which line raised what) and returns, instead of waiting out its timeout and
raising (an exercise notebook run unfilled must still run to its end).
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
    """The controller has handled ``obj``'s current generation and will not change it again.

    A status with no ``Ready`` condition (a learner's controller that writes only the
    lesson's fields) is settled once it is current and complete: a Tuple counts all its
    numbers ready, a Fermat has its answer.
    """
    if d.is_stale(obj) or not d.status(obj):
        return False
    cond = d.condition(obj)
    if cond is None:
        return _complete_without_conditions(obj)
    return cond.get("status") == "True" or cond.get("reason") in FINAL_REASONS


def _complete_without_conditions(obj: Obj) -> bool:
    status, kind = d.status(obj), obj.get("kind")
    # The stages' statuses (and the checks) ask for these fields; one still missing means the
    # controller has more to write (a learner's Fermat sets twoSquaresFound only once its tree
    # has answered), so settling without it would show a half-built answer.
    if kind == "Tuple":
        return status.get("readyNumbers") == len(d.spec(obj).get("numbers") or ())
    if kind == "Fermat":
        return status.get("twoSquaresFound") is not None
    return kind != "Number" or "fizzBuzz" in status


def pending(snapshot: Snapshot) -> list[str]:
    """``Kind/name`` of every object that is not settled yet."""
    return [f"{o.get('kind')}/{d.name(o)}" for o in snapshot.all() if not is_settled(o)]


def wait_settled(cluster: Any, namespace: str, timeout: float = 30.0) -> Snapshot:
    """Wait until every object of ``namespace`` is settled; return that snapshot.

    If a running operator's learner function for a pending object is not written yet, or keeps
    raising (``Operator.stuck``), print its sentence and return the snapshot as it is. On
    timeout the error names the objects still pending (is the operator running?).
    """
    api_client = api_client_of(cluster)
    last: list[Snapshot] = []
    stuck: list[str] = []

    def settled() -> Snapshot | None:
        last[:] = [take_snapshot(api_client, namespace)]
        waiting = pending(last[0])
        if not waiting:
            return last[0]
        stuck[:] = _stuck(namespace, {w.split("/", 1)[0] for w in waiting})
        return last[0] if stuck else None

    try:
        snapshot = wait_for(settled, timeout, f"the objects of {namespace} to settle",
                            interval=0.05)
    except TimeoutError as err:
        waiting = pending(last[0]) if last else []
        shown = ", ".join(waiting[:8]) + (" …" if len(waiting) > 8 else "")
        raise TimeoutError(f"{err}; still pending: {shown}. Is the operator running "
                           "(operator.start())?") from None
    for sentence in stuck:
        print(f"Not settled: {sentence}")
    return snapshot


def _stuck(namespace: str, kinds: set[str]) -> list[str]:
    """What the learner's code says that keeps objects of ``kinds`` from ever settling."""
    from mathctl.controllers.runner import running_operators

    return sorted({sentence for op in running_operators()
                   for sentence in op.stuck(namespace, kinds)})

