"""LIST with ``limit`` and ``continue``: pages that resume where the last one ended.

kube-apiserver pages a list in etcd (``apiserver/pkg/storage/etcd3/store.go`` ``GetList``): a
page holds up to ``limit`` objects in key order; when more follow, ``metadata.continue`` is a
token (``apiserver/pkg/storage/continue.go``: base64url of ``{"v":"meta.k8s.io/v1","rv":<rv>,
"start":"<last key>\\u0000"}``) and, for an unfiltered list, ``remainingItemCount`` says how
many. Every page of one list shows the collection as it was at the first page's
resourceVersion (etcd reads at that revision); once etcd has compacted that revision the token
is answered ``410 Expired``, with a token that continues inconsistently from the latest state.

Here the keys come from the store's sorted index (``Store.sorted_keys``: sorted once, then a
page is a binary search plus ``limit`` lookups, not a scan of the store), and the state at an
older revision is the current one with the changes made since undone from the watch window of
the resource (``WatchHub.window``: each change carries the object before it). A revision older
than that window plays etcd's compacted revision: 410 with the inconsistent-continue token.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from mathctl.apiserver.endpoints import errors
from mathctl.apiserver.storage.store import Entry, Store
from mathctl.apiserver.storage.watch import WatchHub

TOKEN_VERSION = "meta.k8s.io/v1"
INVALID_KEY = "continue key is not valid"
# etcd3/store.go: the answers for a continue token whose revision was compacted.
CONTINUE_EXPIRED = ("The provided continue parameter is too old to display a consistent list "
                    "result. You can start a new list without the continue parameter.")
INCONSISTENT_CONTINUE = (
    "The provided continue parameter is too old to display a consistent list result. You can "
    "start a new list without the continue parameter, or use the continue token in this "
    "response to retrieve the remainder of the results. Continuing with the provided token "
    "results in an inconsistent list - objects that were created, modified, or deleted "
    "between the time the first chunk was returned and now may show up in the list.")


class ExpiredContinue(errors.ApiError):
    """410 Expired whose Status carries ``metadata.continue`` (handleCompactedErrorForPaging)."""

    def __init__(self, token: str) -> None:
        super().__init__(410, "Expired", INCONSISTENT_CONTINUE)
        self.token = token

    def status(self) -> dict[str, Any]:
        body = super().status()
        body["metadata"] = {"continue": self.token}
        return body


def encode_continue(key: str, rv: int) -> str:
    """``EncodeContinue``: where the next page starts (just after ``key``) and at which rv."""
    token = json.dumps({"v": TOKEN_VERSION, "rv": rv, "start": key + "\x00"},
                       separators=(",", ":"))
    return base64.urlsafe_b64encode(token.encode()).decode().rstrip("=")


def decode_continue(token: str) -> tuple[str, int]:
    """``DecodeContinue``: (start key, rv); a bad token is the 400 kube answers."""
    def invalid(why: str) -> errors.ApiError:
        return errors.bad_request(f"invalid continue token: {why}")

    bad = next((i for i, c in enumerate(token)
                if not (c.isascii() and (c.isalnum() or c in "-_"))), None)
    if bad is not None or len(token) % 4 == 1:
        where = bad if bad is not None else len(token) - 1
        raise invalid(f"{INVALID_KEY}: illegal base64 data at input byte {where}")
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise invalid(f"{INVALID_KEY}: the token does not hold a JSON object") from None
    if not isinstance(data, dict):
        raise invalid(f"{INVALID_KEY}: the token does not hold a JSON object")
    if data.get("v") != TOKEN_VERSION:
        raise invalid(f"{INVALID_KEY} server does not recognize this encoded version "
                      f"{json.dumps(str(data.get('v', '')))}")
    rv, start = data.get("rv"), data.get("start")
    if not isinstance(rv, int) or isinstance(rv, bool) or rv == 0:
        raise invalid(f"{INVALID_KEY}: incorrect encoded start resourceVersion "
                      f"(version {TOKEN_VERSION})")
    if not isinstance(start, str) or not start:
        raise invalid(f"{INVALID_KEY}: encoded start key empty (version {TOKEN_VERSION})")
    # continue.go: no path traversal out of the list's prefix (path.Clean must not change it).
    if any(part in (".", "..") for part in start.split("/")) or "//" in start:
        raise invalid(f"{INVALID_KEY}: {start}")
    return start, rv


@dataclass
class Page:
    """One page of a list: the objects and the list's metadata."""

    entries: list[Entry]
    meta: dict[str, Any] = field(default_factory=dict)


def list_page(store: Store, hub: WatchHub, storage: str, namespace: str | None,
              matches: Callable[[dict[str, Any]], bool] | None, limit: int | None,
              token: str) -> Page:
    """The objects of a list from the continue ``token`` on, at most ``limit`` (None or ≤ 0:
    all), as kube's ``GetList`` pages them."""
    start, rv = decode_continue(token) if token else ("", store.rv)
    if rv < 0:   # an inconsistent continuation: from the latest state
        rv = store.rv
    undone = _changes_since(hub, storage, namespace, rv, start) if rv < store.rv else {}
    keys = store.sorted_keys(storage, namespace)
    restored = sorted(k for k, entry in undone.items() if entry is not None)
    stream = _at_rv(_merged(keys, restored, start), undone,
                    lambda key: store.by_key(storage, namespace, key))
    entries: list[Entry] = []
    last = ""
    more = False
    for key, entry in stream:
        if limit and limit > 0 and len(entries) >= limit:
            more = True
            break
        last = key
        if matches is None or matches(entry.obj):
            entries.append(entry)
    meta: dict[str, Any] = {"resourceVersion": str(rv)}
    if more:
        meta["continue"] = encode_continue(last, rv)
        if matches is None:
            # etcd3 store: only an unfiltered list knows how many follow.
            meta["remainingItemCount"] = _count_after(
                last, keys, undone, lambda key: store.by_key(storage, namespace, key))
    return Page(entries, meta)


def _count_after(last: str, keys: list[str], undone: dict[str, Entry | None],
                 current: Callable[[str], Entry | None]) -> int:
    """How many keys after ``last`` existed at the list's rv: the current ones, less those
    created since, plus those deleted since (a count, not a scan: ``undone`` is small)."""
    count = len(keys) - bisect.bisect_right(keys, last)
    for key, then in undone.items():
        if key > last:
            now = current(key) is not None
            count += (then is not None and not now) - (then is None and now)
    return count


def _at_rv(keys: Iterator[str], undone: dict[str, Entry | None],
           current: Callable[[str], Entry | None]) -> Iterator[tuple[str, Entry]]:
    """(key, object) for the keys that existed at the list's rv, with their content then."""
    for key in keys:
        entry = undone[key] if key in undone else current(key)
        if entry is not None:
            yield key, entry


def _merged(keys: list[str], restored: list[str], start: str) -> Iterator[str]:
    """Keys from ``start`` on: the current ones and those deleted since, in order, once each."""
    i = bisect.bisect_left(keys, start) if start else 0
    j = bisect.bisect_left(restored, start) if start else 0
    while i < len(keys) or j < len(restored):
        if j >= len(restored) or (i < len(keys) and keys[i] < restored[j]):
            yield keys[i]
            i += 1
        elif i >= len(keys) or restored[j] < keys[i]:
            yield restored[j]
            j += 1
        else:
            yield keys[i]
            i += 1
            j += 1


def _changes_since(hub: WatchHub, storage: str, namespace: str | None, rv: int,
                   start: str) -> dict[str, Entry | None]:
    """Key → the object as it was at ``rv`` (None: absent) for every key changed since.

    Raises the 410 with the inconsistent-continue token when the window no longer reaches
    back to ``rv`` (etcd: ``ErrCompacted``).
    """
    window = hub.window(storage)
    if rv < window.oldest() - 1:
        raise ExpiredContinue(encode_continue(start.removesuffix("\x00"), -1))
    undone: dict[str, Entry | None] = {}
    for change in window.changes:
        if change.rv <= rv or (namespace is not None and change.namespace != namespace):
            continue
        key = change.name if namespace is not None or not change.namespace \
            else f"{change.namespace}/{change.name}"
        undone.setdefault(key, change.prev)
    return undone
