"""Short texts for one object's fields, shared by the tables and the tree.

A status that is not written yet, a stale ``observedGeneration``, a ``Ready`` condition that
is ``False`` with a reason, an ownerReference: each is said the same way in every view. Ages
follow kubectl's rounding (``k8s.io/apimachinery/pkg/util/duration.HumanDuration``) so a
learner can compare ``mathctl get`` with ``kubectl get`` side by side.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from mathctl.apiserver.endpoints.tables import human_duration  # kube's HumanDuration, one copy
from mathctl.resources.wire import parse_time

Obj = Mapping[str, Any]
PENDING = "…"  # shown where the controller has not written a status yet


def meta(obj: Obj) -> Mapping[str, Any]:
    return obj.get("metadata") or {}


def spec(obj: Obj) -> Mapping[str, Any]:
    return obj.get("spec") or {}


def status(obj: Obj) -> Mapping[str, Any]:
    return obj.get("status") or {}


def name(obj: Obj) -> str:
    return str(meta(obj).get("name", ""))


def yes_no(value: Any) -> str:
    if value is None:
        return PENDING
    return "yes" if value else "no"


def condition(obj: Obj, type_: str = "Ready") -> Mapping[str, Any] | None:
    for cond in status(obj).get("conditions") or ():
        if cond.get("type") == type_:
            return cond  # type: ignore[no-any-return]
    return None


def ready_text(obj: Obj) -> str:
    """``True``, ``False (Reason)``, or ``…`` when no Ready condition is written yet."""
    cond = condition(obj)
    if cond is None:
        return PENDING
    state = str(cond.get("status", "Unknown"))
    reason = cond.get("reason")
    return state if state == "True" or not reason else f"{state} ({reason})"


def observed_text(obj: Obj) -> str:
    """``observedGeneration/generation``, e.g. ``1/2`` while the controller catches up."""
    generation = meta(obj).get("generation")
    observed = status(obj).get("observedGeneration")
    if generation is None:
        return ""
    return f"{PENDING if observed is None else observed}/{generation}"


def is_stale(obj: Obj) -> bool:
    generation = meta(obj).get("generation")
    return generation is not None and status(obj).get("observedGeneration") != generation


def controller_ref(obj: Obj) -> Mapping[str, Any] | None:
    """The ownerReference with ``controller: true``, else the first one, else None."""
    refs = meta(obj).get("ownerReferences") or ()
    for ref in refs:
        if ref.get("controller"):
            return ref  # type: ignore[no-any-return]
    return refs[0] if refs else None


def owner_text(obj: Obj) -> str:
    ref = controller_ref(obj)
    return f"{ref.get('kind')}/{ref.get('name')}" if ref else ""


def numbers_text(values: Sequence[Any] | None, limit: int = 6) -> str:
    if values is None:
        return ""
    shown = ", ".join(str(v) for v in values[:limit])
    return f"[{shown}{', …' if len(values) > limit else ''}]"


def _pair(pair: Any) -> tuple[Any, Any] | None:
    if isinstance(pair, Mapping):
        if "a" in pair and "b" in pair:
            return pair["a"], pair["b"]
        values = list(pair.values())
        return (values[0], values[1]) if len(values) == 2 else None
    if isinstance(pair, Sequence) and not isinstance(pair, str) and len(pair) == 2:
        return pair[0], pair[1]
    return None


def pairs_text(pairs: Sequence[Any] | None) -> str:
    """``2²+3²``, several joined by ``, ``; ``none`` for an empty list."""
    if pairs is None:
        return PENDING
    if not pairs:
        return "none"
    shown = []
    for pair in pairs:
        ab = _pair(pair)
        shown.append(f"{ab[0]}²+{ab[1]}²" if ab else str(pair))
    return ", ".join(shown)


def human_age(created: str | None, now: datetime) -> str:
    """kubectl's AGE column for a ``creationTimestamp`` (``<unknown>`` if absent)."""
    if not created:
        return "<unknown>"
    seconds = int((now - parse_time(created)).total_seconds())
    return human_duration(seconds)
