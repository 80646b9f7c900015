"""``status.conditions`` the way Kubernetes API conventions define them (``metav1.Condition``).

Every mathctl kind reports a ``Ready`` condition beside its computed fields, so ``kubectl wait
--for=condition=Ready`` and the notebooks' live views work the same way they do on built-in
resources. ``set_condition`` is pure — the current time is an argument, never read from a clock —
so the desired-state functions in ``mathctl.core.desired`` that call it stay pure and testable,
and a reconcile that changes nothing writes a byte-identical status (no spurious updates).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Literal

from mathctl.resources.wire import wire

ConditionStatus = Literal["True", "False", "Unknown"]
CONDITION_STATUSES: tuple[ConditionStatus, ...] = ("True", "False", "Unknown")

# The bounds and patterns metav1.Condition declares, so a real API server accepts what we write.
TYPE_MAX_LENGTH = 316
TYPE_PATTERN = (
    r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
    r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$"
)
REASON_MAX_LENGTH = 1024
REASON_PATTERN = r"^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$"
MESSAGE_MAX_LENGTH = 32768

READY = "Ready"
"""The one condition type every mathctl kind sets."""


@dataclass(frozen=True, kw_only=True)
class Condition:
    """One observation about an object, as in ``metav1.Condition``.

    ``last_transition_time`` is kept in UTC at whole seconds, as it is written on the wire, so
    a condition read back from the API server compares equal to the one that was written.
    """

    type: str = field(metadata=wire(
        "type", "Type of condition in CamelCase or in foo.example.com/CamelCase.",
        required=True, maxLength=TYPE_MAX_LENGTH, pattern=TYPE_PATTERN, example="Ready"))
    status: ConditionStatus = field(metadata=wire(
        "status", "Status of the condition, one of True, False, Unknown.",
        required=True, enum=CONDITION_STATUSES, example='"True"'))
    observed_generation: int | None = field(default=None, metadata=wire(
        "observedGeneration",
        "The .metadata.generation that the condition was set based upon.", minimum=0))
    last_transition_time: datetime = field(
        metadata=wire(
            "lastTransitionTime",
            "Last time the condition transitioned from one status to another.",
            required=True, example="2024-05-01T12:00:00Z"))
    reason: str = field(metadata=wire(
        "reason",
        "Programmatic identifier in CamelCase indicating the reason for the last transition.",
        required=True, minLength=1, maxLength=REASON_MAX_LENGTH, pattern=REASON_PATTERN,
        example="AllChildrenReady"))
    message: str = field(metadata=wire(
        "message", "Human-readable message with details about the transition; may be empty.",
        required=True, maxLength=MESSAGE_MAX_LENGTH))

    def __post_init__(self) -> None:
        if self.status not in CONDITION_STATUSES:
            raise ValueError(
                f"condition status must be one of {', '.join(CONDITION_STATUSES)} (strings, "
                f"capitalised), got {self.status!r}")
        if len(self.type) > TYPE_MAX_LENGTH or not re.search(TYPE_PATTERN, self.type):
            raise ValueError(
                f"condition type {self.type!r} must be CamelCase (optionally prefixed by "
                f"a DNS subdomain and '/'), at most {TYPE_MAX_LENGTH} characters, e.g. 'Ready'")
        if len(self.reason) > REASON_MAX_LENGTH or not re.search(REASON_PATTERN, self.reason):
            raise ValueError(
                f"condition reason {self.reason!r} must be a CamelCase identifier such as "
                "'TooManyChildren': a letter first, then letters, digits, '_', ',' or ':'")
        if len(self.message) > MESSAGE_MAX_LENGTH:
            raise ValueError(f"condition message is longer than {MESSAGE_MAX_LENGTH} characters")
        if self.observed_generation is not None and self.observed_generation < 0:
            raise ValueError(f"observedGeneration must be >= 0, got {self.observed_generation}")
        when = self.last_transition_time
        if when.tzinfo is None:
            raise ValueError(
                "lastTransitionTime needs a time zone: pass datetime.now(UTC), not datetime.now()")
        object.__setattr__(self, "last_transition_time",
                           when.astimezone(UTC).replace(microsecond=0))


def find_condition(conditions: Sequence[Condition], type: str) -> Condition | None:
    """The condition of ``type`` in ``conditions``, or ``None``."""
    return next((c for c in conditions if c.type == type), None)


def is_condition_true(conditions: Sequence[Condition], type: str) -> bool:
    found = find_condition(conditions, type)
    return found is not None and found.status == "True"


def set_condition(
    conditions: Sequence[Condition],
    *,
    type: str,
    status: ConditionStatus,
    reason: str,
    message: str,
    observed_generation: int | None,
    now: datetime,
) -> tuple[Condition, ...]:
    """Return ``conditions`` with the condition of ``type`` set, the others untouched and in order.

    ``lastTransitionTime`` becomes ``now`` only when the condition is new or its ``status``
    changes; a new reason, message or generation with the same status keeps the old time, as
    the API conventions ask (and as ``meta.SetStatusCondition`` does in Go).
    """
    existing = find_condition(conditions, type)
    if existing is None:
        new = Condition(type=type, status=status, observed_generation=observed_generation,
                        last_transition_time=now, reason=reason, message=message)
        return (*conditions, new)
    when = existing.last_transition_time if existing.status == status else now
    updated = replace(existing, status=status, observed_generation=observed_generation,
                      last_transition_time=when, reason=reason, message=message)
    return tuple(updated if c.type == type else c for c in conditions)


def remove_condition(conditions: Sequence[Condition], type: str) -> tuple[Condition, ...]:
    return tuple(c for c in conditions if c.type != type)
