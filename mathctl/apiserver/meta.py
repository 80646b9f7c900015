"""ObjectMeta rules shared by every resource: names, uids, timestamps, generation.

Kept apart from the verb handlers so each rule is written once, in the words of
``k8s.io/apimachinery/pkg/api/validation`` (its messages are what a learner would see from a
real cluster when a name is wrong).
"""

from __future__ import annotations

import random
import re
import uuid
from datetime import UTC, datetime
from typing import Any

DNS1123_SUBDOMAIN = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
DNS1123_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_SUBDOMAIN = re.compile(DNS1123_SUBDOMAIN)
_LABEL = re.compile(DNS1123_LABEL)
SUBDOMAIN_MESSAGE = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    f"for validation is '{DNS1123_SUBDOMAIN}')")
LABEL_MESSAGE = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used "
    f"for validation is '{DNS1123_LABEL}')")
# names.SimpleNameGenerator: 5 characters from an alphabet without vowels or look-alikes.
_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def now() -> str:
    """An RFC 3339 timestamp in seconds, as ``metav1.Time`` serialises."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_uid() -> str:
    return str(uuid.uuid4())


def generate_name(prefix: str) -> str:
    return prefix + "".join(random.choices(_ALPHABET, k=5))


def quote(value: Any) -> str:
    """A value the way ``field.Invalid`` prints it (Go's %q for strings)."""
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def cause(reason: str, field: str, message: str) -> dict[str, str]:
    return {"reason": reason, "message": message, "field": field}


def invalid_cause(field: str, value: Any, detail: str) -> dict[str, str]:
    return cause("FieldValueInvalid", field, f"Invalid value: {quote(value)}: {detail}")


def name_errors(name: str, rule: str, field: str = "metadata.name") -> list[dict[str, str]]:
    """Causes for a name that is not a DNS-1123 subdomain (or label, for namespaces)."""
    if rule == "label":
        errors = []
        if len(name) > 63:
            errors.append(invalid_cause(field, name, "must be no more than 63 characters"))
        if not _LABEL.fullmatch(name):
            errors.append(invalid_cause(field, name, LABEL_MESSAGE))
        return errors
    errors = []
    if len(name) > 253:
        errors.append(invalid_cause(field, name, "must be no more than 253 characters"))
    if not _SUBDOMAIN.fullmatch(name):
        errors.append(invalid_cause(field, name, SUBDOMAIN_MESSAGE))
    return errors


def spec_of(obj: dict[str, Any], with_status: bool) -> dict[str, Any]:
    """What ``metadata.generation`` tracks: all but metadata (and status if a subresource)."""
    skip = {"metadata", "status"} if with_status else {"metadata"}
    return {k: v for k, v in obj.items() if k not in skip and k not in ("apiVersion", "kind")}
