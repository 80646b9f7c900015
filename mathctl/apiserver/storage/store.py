"""The object store: SQLite on disk, a dict in memory, one global resourceVersion.

Every object lives in one SQLite table (WAL mode) under the data dir and, decoded, in an
in-memory index that serves all reads, so a GET or LIST never touches the disk. A write bumps
the global resourceVersion (like etcd's revision) and commits it with the object in one
transaction (a put is one row that carries its resourceVersion; a delete removes the row and
records the counter in ``meta``; on open the counter is the larger of the two), then hands a
:class:`Change` to every listener (the watch hub, the garbage collector) before the HTTP
response goes out.

Why ``synchronous=NORMAL`` keeps every acknowledged write across ``kill -9``: in WAL mode a
commit appends the transaction to the ``-wal`` file with ``write()`` before ``commit()``
returns; the data is then in the operating system's page cache, which survives the death of
the process, and the next open replays the WAL. NORMAL only skips the ``fsync`` that protects
against a power cut or kernel crash (then the newest transactions may be lost, never the
database's consistency). ``synchronous=FULL`` is one flag away (``--fsync``); ``bench/apiserver.py``
measures both.

Checkpoints (copying the WAL into the database file, with an ``fsync``) run in a thread of their
own, woken every few hundred commits: SQLite's automatic checkpoint would run inside a commit
and stall the event loop — every request and watch — for the length of that ``fsync``.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

_SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    storage TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
    rv INTEGER NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (storage, namespace, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

log = logging.getLogger(__name__)
# Commits between checkpoints: a commit writes a page or two, SQLite's own default is 1000 pages.
CHECKPOINT_EVERY = 500

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
# A run of 19 digits may be an integer beyond int64/uint64, which orjson reads as a float.
_LONG_DIGITS = re.compile(rb"\d{19}")


def encode(obj: Any) -> bytes:
    """Compact UTF-8 JSON, the way the server writes every body."""
    return _encode(obj)[0]


def _encode(obj: Any) -> tuple[bytes, bool]:
    """``encode``, and whether orjson wrote it (then orjson reads it back exactly).

    orjson is ~15x faster than the standard library; what it refuses (integers beyond 64 bits,
    non-string keys) goes the standard library's way, with the same result.
    """
    try:
        return orjson.dumps(obj), True
    except TypeError:
        return _dumps(obj).encode(), False


def _encode_kept(obj: Any) -> tuple[bytes, bool]:
    """``_encode`` for bytes kept in memory: orjson's result sits in a ~4 KB block, so keep an
    exact-size copy (10 000 Numbers: 73 MB instead of 112 MB of RSS)."""
    raw, exact = _encode(obj)
    return (memoryview(raw).tobytes() if exact else raw), exact


def decode(raw: bytes | str) -> Any:
    """JSON as the standard library decodes it (big integers stay exact, NaN is accepted, its
    error messages), by orjson when that gives the same result."""
    return _decode(raw)[0]


def _decode(raw: bytes | str) -> tuple[Any, bool]:
    """``decode``, and whether orjson could read it (so it can next time too)."""
    if not _LONG_DIGITS.search(raw if isinstance(raw, bytes) else raw.encode()):
        try:
            return orjson.loads(raw), True
        except orjson.JSONDecodeError:
            pass
    return json.loads(raw), False


class Entry:
    """One stored object: its JSON bytes, decoded lazily; treat ``obj`` as read-only."""

    __slots__ = ("_obj", "exact", "raw", "rv")

    def __init__(self, raw: bytes, rv: int, obj: dict[str, Any] | None = None, *,
                 exact: bool = False) -> None:
        self.raw = raw
        self.rv = rv
        self._obj = obj
        # True once known that orjson reads ``raw`` as the standard library would.
        self.exact = exact

    @property
    def obj(self) -> dict[str, Any]:
        if self._obj is None:
            self._obj = self.copy()
        return self._obj

    def release(self) -> None:
        """Forget the decoded object (a superseded version kept only for watch history holds
        just its bytes; ``obj`` decodes again if asked)."""
        self._obj = None

    def copy(self) -> dict[str, Any]:
        """A private, mutable copy of the object (decoding JSON is cheaper than deepcopy)."""
        if self.exact:
            result: dict[str, Any] = orjson.loads(self.raw)
            return result
        result, self.exact = _decode(self.raw)
        return result


@dataclass(frozen=True, slots=True)
class Change:
    """One write as watchers see it: ``ADDED``, ``MODIFIED`` or ``DELETED``."""

    type: str
    storage: str
    namespace: str
    name: str
    entry: Entry          # the new object (for DELETED: the last state, at the delete's rv)
    prev: Entry | None    # the object before this write (None for ADDED)
    rv: int


Listener = Callable[[Change], None]


class Checkpointer:
    """Runs ``PRAGMA wal_checkpoint(PASSIVE)`` on its own connection and thread when told to.

    A passive checkpoint takes no lock that a writer waits for, and the thread spends its time
    in SQLite with the GIL released, so commits on the event loop go on meanwhile.
    """

    def __init__(self, path: str, synchronous: str, every: int = CHECKPOINT_EVERY) -> None:
        self.every = every
        self.done = 0        # checkpoints run so far (for tests)
        self._commits = 0
        self._wake = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, args=(path, synchronous),
                                        name="sqlite-checkpoint", daemon=True)
        self._thread.start()

    def committed(self) -> None:
        """Count one commit; every ``every`` commits, wake the thread."""
        self._commits += 1
        if self._commits >= self.every:
            self._commits = 0
            self._wake.set()

    def _run(self, path: str, synchronous: str) -> None:
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        try:
            db.execute(f"PRAGMA synchronous={synchronous}")
            while True:
                self._wake.wait()
                self._wake.clear()
                if self._stopping:
                    return
                try:
                    db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    self.done += 1
                except sqlite3.OperationalError as exc:   # busy: the next wake tries again
                    log.info("WAL checkpoint skipped: %s", exc)
        except sqlite3.Error:
            log.exception("the WAL checkpoint thread stopped; SQLite's WAL file will grow")
        finally:
            db.close()

    def close(self) -> None:
        self._stopping = True
        self._wake.set()
        self._thread.join(timeout=30)


class Store:
    """Objects by storage key → namespace → name, backed by SQLite."""

    def __init__(self, path: Path | str, *, fsync: bool = False) -> None:
        synchronous = "FULL" if fsync else "NORMAL"
        # Private before SQLite opens it: its -wal and -shm files take the database's mode.
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        os.chmod(path, 0o600)
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(f"PRAGMA synchronous={synchronous}")
        # Checkpoints happen off the event loop (Checkpointer), not inside a commit.
        self._db.execute("PRAGMA wal_autocheckpoint=0")
        self._db.executescript(_SCHEMA)
        self.checkpointer = Checkpointer(str(path), synchronous)
        self._objects: dict[str, dict[str, dict[str, Entry]]] = {}
        # (storage, namespace or None for all) -> keys in etcd's order, built when asked for
        # and dropped when an object is added or removed there (see sorted_keys).
        self._sorted: dict[tuple[str, str | None], list[str]] = {}
        self.listeners: list[Listener] = []
        # The counter is the newest object's rv, or the newest delete's (kept in meta).
        row = self._db.execute("SELECT value FROM meta WHERE key='rv'").fetchone()
        newest = self._db.execute("SELECT max(rv) FROM objects").fetchone()[0]
        self.rv = max(int(row[0]) if row else 0, newest or 0)
        for storage, namespace, name, rv, data in self._db.execute(
                "SELECT storage, namespace, name, rv, data FROM objects"):
            self._bucket(storage, namespace)[name] = Entry(bytes(data), rv)

    def close(self) -> None:
        self.checkpointer.close()
        self._db.close()   # the last connection to close checkpoints what is left

    def _bucket(self, storage: str, namespace: str) -> dict[str, Entry]:
        spaces = self._objects.setdefault(storage, {})
        bucket = spaces.get(namespace)
        if bucket is None:
            bucket = spaces[namespace] = {}
        return bucket

    # -- reads ---------------------------------------------------------------------------

    def get(self, storage: str, namespace: str, name: str) -> Entry | None:
        spaces = self._objects.get(storage)
        if not spaces:
            return None
        bucket = spaces.get(namespace)
        return bucket.get(name) if bucket else None

    def list(self, storage: str, namespace: str | None) -> list[Entry]:
        """Objects sorted by namespace then name (etcd's key order); ``None``: all namespaces."""
        spaces = self._objects.get(storage)
        if not spaces:
            return []
        if namespace is not None:
            bucket = spaces.get(namespace)
            return [bucket[n] for n in sorted(bucket)] if bucket else []
        return [spaces[ns][n] for ns in sorted(spaces) for n in sorted(spaces[ns])]

    def sorted_keys(self, storage: str, namespace: str | None) -> list[str]:
        """The keys of a list in etcd's key order, as paging needs them (do not modify).

        A key is what follows the list's prefix in etcd (``/registry/<resource>/[<ns>/]``):
        ``<name>`` within one namespace or for cluster-scoped objects, ``<ns>/<name>`` across
        namespaces — so ``a-b/x`` sorts before ``a/x``, as byte order has it. Kept until an
        object is added to or removed from the storage, so paging a large collection sorts it
        once, not once per page.
        """
        cached = self._sorted.get((storage, namespace))
        if cached is not None:
            return cached
        spaces = self._objects.get(storage) or {}
        if namespace is not None:
            keys = sorted(spaces.get(namespace) or ())
        elif set(spaces) <= {""}:
            keys = sorted(spaces.get("") or ())
        else:
            keys = sorted(f"{ns}/{name}" for ns, bucket in spaces.items() for name in bucket)
        self._sorted[(storage, namespace)] = keys
        return keys

    def by_key(self, storage: str, namespace: str | None, key: str) -> Entry | None:
        """The object under a key of :meth:`sorted_keys`."""
        if namespace is None and "/" in key:
            namespace, _, key = key.partition("/")
        return self.get(storage, namespace or "", key)

    def _resorted(self, storage: str, namespace: str) -> None:
        self._sorted.pop((storage, namespace), None)
        self._sorted.pop((storage, None), None)

    def items(self) -> Iterator[tuple[tuple[str, str, str], Entry]]:
        """Every object with its (storage, namespace, name) key."""
        for storage, spaces in list(self._objects.items()):
            for namespace, bucket in list(spaces.items()):
                for name, entry in list(bucket.items()):
                    yield (storage, namespace, name), entry

    def in_namespace(self, namespace: str) -> list[tuple[tuple[str, str, str], Entry]]:
        """Every object in one namespace, of any resource."""
        return [((storage, namespace, name), entry)
                for storage, spaces in self._objects.items()
                for name, entry in (spaces.get(namespace) or {}).items()]

    def count(self, storage: str) -> int:
        return sum(len(b) for b in self._objects.get(storage, {}).values())

    # -- writes --------------------------------------------------------------------------

    def put(self, storage: str, obj: dict[str, Any]) -> Entry:
        """Store ``obj`` (created or modified) at the next resourceVersion and announce it."""
        meta = obj["metadata"]
        namespace, name = meta.get("namespace", ""), meta["name"]
        rv = self.rv + 1
        meta["resourceVersion"] = str(rv)
        raw, exact = _encode_kept(obj)
        # One statement, one transaction: the row carries the new resourceVersion.
        self._db.execute("INSERT OR REPLACE INTO objects VALUES (?, ?, ?, ?, ?)",
                         (storage, namespace, name, rv, raw))
        self.checkpointer.committed()
        self.rv = rv
        bucket = self._bucket(storage, namespace)
        prev = bucket.get(name)
        entry = bucket[name] = Entry(raw, rv, obj, exact=exact)
        if prev is None:
            self._resorted(storage, namespace)
        self._announce(Change("MODIFIED" if prev else "ADDED", storage, namespace, name,
                              entry, prev, rv))
        if prev is not None:
            prev.release()
        return entry

    def delete(self, storage: str, namespace: str, name: str) -> Entry | None:
        """Remove an object; its last state goes out as ``DELETED`` at a new resourceVersion."""
        bucket = self._objects.get(storage, {}).get(namespace)
        prev = bucket.get(name) if bucket else None
        if prev is None or bucket is None:
            return None
        rv = self.rv + 1
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.execute("DELETE FROM objects WHERE storage=? AND namespace=? AND name=?",
                             (storage, namespace, name))
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('rv', ?)", (str(rv),))
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self.checkpointer.committed()
        self.rv = rv
        del bucket[name]
        self._resorted(storage, namespace)
        obj = prev.copy()
        obj["metadata"]["resourceVersion"] = str(rv)
        raw, exact = _encode_kept(obj)
        entry = Entry(raw, rv, obj, exact=exact)
        self._announce(Change("DELETED", storage, namespace, name, entry, prev, rv))
        return entry

    def _announce(self, change: Change) -> None:
        for listener in self.listeners:
            listener(change)
