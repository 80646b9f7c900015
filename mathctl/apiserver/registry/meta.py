"""ObjectMeta helpers shared by the verbs and the in-server controllers.

Timestamps as ``metav1.Time`` prints them, uids, ``generateName`` suffixes as kube's name
generator makes them, and what ``metadata.generation`` tracks. (The
validation of names, labels and the like is ``schema.validate_object_meta``.)
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

# apimachinery ValidateAnnotationsSize: TotalAnnotationSizeLimitB
TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024


def annotations_size(annotations: Mapping[str, Any]) -> int:
    """The bytes of every key and value together, as kube counts them against the limit."""
    return sum(len(k.encode()) + len(str(v).encode()) for k, v in annotations.items())


# names.SimpleNameGenerator: 5 characters from an alphabet without vowels or look-alikes.
_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def now() -> str:
    """An RFC 3339 timestamp in seconds, as ``metav1.Time`` serialises."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_uid() -> str:
    return str(uuid.uuid4())


def generate_name(prefix: str) -> str:
    return prefix + "".join(random.choices(_ALPHABET, k=5))


def spec_of(obj: dict[str, Any], with_status: bool) -> dict[str, Any]:
    """What ``metadata.generation`` tracks: all but metadata (and status if a subresource)."""
    skip = {"metadata", "status"} if with_status else {"metadata"}
    return {k: v for k, v in obj.items() if k not in skip and k not in ("apiVersion", "kind")}
