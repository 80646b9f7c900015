"""The learner's own controllers, run by the same operator as the package's.

Why it exists: the workshop's promise is "write a controller yourself" — what the learner
wrote is what runs. Their functions grow in one file, ``my_controllers.py`` (saved by the
``%%my_controllers`` cell magic, :mod:`mathctl.notebook.magic`), with fixed names and
signatures on the official client::

    reconcile_number(api: CustomObjectsApi, namespace: str, name: str) -> None   # stage 30
    reconcile_tuple(api: CustomObjectsApi, namespace: str, name: str) -> None    # stage 50
    owner_of(obj: dict) -> tuple[str, str, str] | None                             # stage 50
    reconcile_fermat(api: CustomObjectsApi, namespace: str, name: str) -> None   # stage 60
    event_switch_tuple(api: CustomObjectsApi, event_type: str, obj: dict) -> None  # stage 40

This module adapts them to the package's contracts so nothing else needs to know whose code it
is: :func:`as_reconcile` turns a learner reconcile into a
:class:`~mathctl.controllers.reconcile.ReconcileFn` (the dispatcher's worker threads, the
resync, the stats, the checks and the live view then work unchanged); :func:`as_event_switch`
turns an event switch into a scenario controller factory; :func:`load_controllers` imports the
file afresh. The learner's writes are counted on the wire by a
:class:`~mathctl.controllers.recording.RecordingApiClient`, since their code calls the client
directly. Their mistakes become :class:`LearnerCodeError`: one sentence naming the line of
their file or cell that raised, what was raised and what to change — never a traceback.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import sysconfig
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from kubernetes.client import ApiClient, CustomObjectsApi
from kubernetes.client.exceptions import ApiException

from mathctl.controllers.cache import Cache
from mathctl.controllers.objects import BeforeWrite, is_conflict, status_body
from mathctl.controllers.outcome import Outcome
from mathctl.controllers.reconcile import Clock, ReconcileFn, utc_now
from mathctl.controllers.recording import RecordingApiClient
from mathctl.resources.group import FERMAT, NUMBER, TUPLE, KindNames

if TYPE_CHECKING:
    from mathctl.scenarios.handling import ControllerFactory

FILE_NAME = "my_controllers.py"
ENV_PATH = "MATHCTL_CONTROLLERS"

LearnerReconcile = Callable[[CustomObjectsApi, str, str], object]
"""``reconcile_<kind>(api, namespace, name)``: converge one object; its return value is unused."""
OwnerOf = Callable[[Mapping[str, Any]], "tuple[str, str, str] | None"]
"""``owner_of(obj)``: the ``(kind, namespace, name)`` of ``obj``'s controller owner, or None."""
EventSwitchFn = Callable[[CustomObjectsApi, str, Mapping[str, Any]], object]
"""``event_switch_tuple(api, event_type, obj)``: act on one watch event (stage 40)."""

RECONCILE_NAMES: dict[str, str] = {
    k.kind: f"reconcile_{k.singular}" for k in (NUMBER, TUPLE, FERMAT)}
"""``{"Number": "reconcile_number", "Tuple": "reconcile_tuple", "Fermat": "reconcile_fermat"}``."""
_PLURALS = {k.kind: k.plural for k in (NUMBER, TUPLE, FERMAT)}
_PACKAGE = str(Path(__file__).resolve().parents[1])
_STDLIB = sysconfig.get_paths()["stdlib"]
_LEARNER_MARK = "__mathctl_learner_file__"


def controllers_path() -> Path:
    """The learner's file: ``$MATHCTL_CONTROLLERS``, else ``my_controllers.py`` in the current
    directory (a notebook kernel's is the notebook's folder)."""
    return Path(os.environ.get(ENV_PATH) or FILE_NAME).absolute()


# --- the learner's mistakes, in one sentence ---------------------------------------------------


class LearnerCodeError(RuntimeError):
    """The learner's code raised, or their file cannot be used; ``summary`` says it in one
    sentence: where (their line), what, and what to change. ``not_written`` marks an unfilled
    stub (``NotImplementedError``)."""

    def __init__(self, summary: str, *, function: str = "", not_written: bool = False) -> None:
        super().__init__(summary)
        self.summary = summary
        self.function = function
        self.not_written = not_written

    def _render_traceback_(self) -> list[str]:
        """What IPython shows when a notebook cell raises this: the sentence, no traceback."""
        return [f"{type(self).__name__}: {self.summary}"]


def explain(exc: BaseException, function: str, *, kind: str | None = None,
            name: str | None = None) -> LearnerCodeError:
    """``exc``, raised by the learner's ``function`` (reconciling ``kind`` ``name``), as one
    sentence with a hint for the common mistakes."""
    where = learner_line(exc)
    if isinstance(exc, NotImplementedError):
        return LearnerCodeError(
            f"{function} is not written yet{_paren(where)} — write its body in the "
            f"%%my_controllers cell, run that cell, then start the operator again (stuck? put "
            f"`%solution {function}` at the top of the cell).",
            function=function, not_written=True)
    hint = _hint(exc, kind, name)
    return LearnerCodeError(
        _one_line(f"{function} raised {_described(exc)}{_at(where)} — {hint}"),
        function=function)


def learner_line(exc: BaseException) -> tuple[str, int, str] | None:
    """``(where, line number, source line)`` of the innermost frame of the learner's own code
    (``where`` is ``my_controllers.py`` or ``your cell``), or None if none is theirs."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not _is_library(f.filename)]
    if not frames:
        return None
    frame = frames[-1]
    return _place(frame.filename), frame.lineno or 0, (frame.line or "").strip()


def _is_library(filename: str) -> bool:
    return (filename.startswith((_PACKAGE, _STDLIB)) or "site-packages" in filename
            or "dist-packages" in filename)


def _place(filename: str) -> str:
    if filename.startswith("<ipython-input") or "ipykernel_" in filename \
            or filename.startswith("<cell"):
        return "your cell"
    return Path(filename).name


def _paren(where: tuple[str, int, str] | None) -> str:
    if where is None:
        return ""
    return f" ({where[0]} line {where[1]}{': ' + where[2] if where[2] else ''})"


def _at(where: tuple[str, int, str] | None) -> str:
    if where is None:
        return ""
    return f" at {where[0]} line {where[1]}{' (' + where[2] + ')' if where[2] else ''}"


def _described(exc: BaseException) -> str:
    if isinstance(exc, ApiException):
        status = status_body(exc)
        message = status.get("message") or exc.reason or ""
        return f"ApiException {exc.status} {status.get('reason') or exc.reason}: {message}"
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _hint(exc: BaseException, kind: str | None, name: str | None) -> str:
    fix = "fix it in my_controllers.py (the %%my_controllers cell), run the cell, restart the " \
          "operator"
    if isinstance(exc, ApiException):
        status = status_body(exc)
        details = status.get("details") or {}
        if exc.status == 404:
            if kind and details.get("name") == name and details.get("kind") == _PLURALS.get(kind):
                return ("handle 404: the object was deleted — catch ApiException and return "
                        "when exc.status == 404, there is nothing left to do.")
            return (f"{details.get('kind') or 'that object'} {details.get('name') or ''} does "
                    "not exist: a child being deleted is already gone (treat 404 as done); "
                    "one being read may not have been created yet.").replace("  ", " ")
        if exc.status == 409 and status.get("reason") == "AlreadyExists":
            return ("it exists already: list the children that exist and create only the "
                    "missing ones (update the others).")
        if exc.status == 422 and "resourceVersion" in str(status.get("message")):
            return ("send back the object you read, with its metadata.resourceVersion: an "
                    "update must say which version it was computed from (a 409 then tells you "
                    "someone wrote in between).")
        if exc.status == 422:
            return f"the API server rejected what you sent: {status.get('message')}; {fix}."
        if exc.status in (401, 403):
            return "the cluster refused the request: check the credentials and the namespace."
        return f"{fix}."
    if isinstance(exc, KeyError):
        if exc.args and exc.args[0] == "status":
            return ("a new object has no status yet: read it with obj.get('status') or {} "
                    "instead of obj['status'].")
        return ("that key is not in the dict: custom objects are plain dicts, print one to see "
                "its keys (obj['metadata']['name'], obj['spec'], obj.get('status') or {}).")
    if isinstance(exc, AttributeError) and "'dict' object" in str(exc):
        return ("custom objects are plain dicts: write obj['metadata']['name'], not "
                "obj.metadata.name.")
    if isinstance(exc, AttributeError) and "'tuple' object" in str(exc):
        return "a list call returns the list under ['items']: iterate over result['items']."
    return f"{fix}."


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --- adapting the learner's functions ----------------------------------------------------------


def as_reconcile(fn: LearnerReconcile, kind: str | KindNames) -> ReconcileFn:
    """Adapt the learner's ``reconcile_<kind>(api, namespace, name)`` to the package's
    reconcile contract (:class:`~mathctl.controllers.reconcile.ReconcileFn`)::

        reconcile(api: ApiClient, namespace, name, *, before_write=None, now=…, cache=None)
            -> Outcome

    The learner's function gets a ``CustomObjectsApi`` over a
    :class:`~mathctl.controllers.recording.RecordingApiClient` sharing ``api``'s connections:
    every request reaches the server unchanged; each accepted write is listed in
    ``Outcome.writes`` as ``Write(verb, kind, name)`` (a ``/status`` PUT or PATCH is verb
    ``status``; a PATCH of the object ``update``), and ``before_write(write)`` is called before
    each write is sent. The learner reads the server, so ``cache`` and ``now`` are unused.

    A 409 Conflict raised from their code (a stale resourceVersion) counts in
    ``outcome.conflicts`` and marks the outcome ``stale``: the dispatcher reconciles the key
    again. ``outcome.found`` is False when their read of the object itself got 404. Any other
    exception becomes :class:`LearnerCodeError` (its ``summary`` is one sentence: their line,
    the exception, a hint; ``not_written`` for an unfilled stub).
    """
    kind_name = kind.kind if isinstance(kind, KindNames) else kind
    if kind_name not in RECONCILE_NAMES:
        raise ValueError(f"kind must be one of {', '.join(RECONCILE_NAMES)}, not {kind_name!r}.")
    if not callable(fn):
        raise TypeError(f"as_reconcile needs the function itself, e.g. "
                        f"as_reconcile({RECONCILE_NAMES[kind_name]}, {kind_name!r}), not "
                        f"{type(fn).__name__}.")
    function = getattr(fn, "__name__", RECONCILE_NAMES[kind_name])

    def reconcile(api: ApiClient, namespace: str, name: str, *,
                  before_write: BeforeWrite | None = None, now: Clock = utc_now,
                  cache: Cache | None = None) -> Outcome:
        outcome = Outcome(kind_name, namespace, name)
        recording = RecordingApiClient.sharing(api, before_write=before_write)
        try:
            fn(CustomObjectsApi(recording), namespace, name)
        except ApiException as exc:
            if not is_conflict(exc):
                raise explain(exc, function, kind=kind_name, name=name) from None
            outcome.conflicts += 1
            outcome.stale = True
        except Exception as exc:
            raise explain(exc, function, kind=kind_name, name=name) from None
        finally:
            outcome.writes.extend(recording.accepted)
            outcome.found = not any(r.kind == kind_name and r.name == name
                                    for r in recording.not_found)
            recording.close()
        return outcome

    reconcile.__name__ = f"learner_{function}"
    reconcile.__doc__ = f"The learner's {function}, adapted by as_reconcile."
    reconcile.learner_function = fn  # type: ignore[attr-defined]
    return reconcile


def as_owner_of(fn: OwnerOf) -> Callable[[Mapping[str, Any]], tuple[str, str, str] | None]:
    """The learner's ``owner_of``, checked: a ``(kind, namespace, name)`` of strings or None;
    anything else (or an exception) becomes :class:`LearnerCodeError`."""
    function = getattr(fn, "__name__", "owner_of")

    def owner(obj: Mapping[str, Any]) -> tuple[str, str, str] | None:
        try:
            found = fn(obj)
        except Exception as exc:
            raise explain(exc, function) from None
        if found is None:
            return None
        if not (isinstance(found, tuple | list) and len(found) == 3
                and all(isinstance(part, str) for part in found)):
            raise LearnerCodeError(
                f"{function} returned {found!r:.80}; return (kind, namespace, name) of the "
                "owner, e.g. ('Tuple', 'ns', 't'), or None when nothing controls it.",
                function=function)
        return (found[0], found[1], found[2])

    return owner


def as_event_switch(fn: EventSwitchFn) -> ControllerFactory:
    """A scenario controller factory (:mod:`mathctl.scenarios.handling`) running the learner's
    ``event_switch_tuple(api, event_type, obj)`` on each watch event.

    Like the package's event switch, a failed call is noted and the event dropped (no retry).
    Each factory call is a freshly started process: a function loaded from the learner's file
    is loaded again, so whatever it remembered at module level is gone.
    """
    from mathctl.scenarios.handling import Handling, short_error  # scenarios build on this

    function = getattr(fn, "__name__", "event_switch_tuple")

    class LearnerEventSwitch:
        def __init__(self, api: ApiClient, namespace: str) -> None:
            self.custom = CustomObjectsApi(api)
            self.namespace = namespace
            self.fn = _fresh(fn)

        def handle(self, event: Any) -> Any:
            obj = event["object"]
            what = f"{event['type']} {obj.get('kind')} {obj['metadata']['name']}"
            try:
                self.fn(self.custom, event["type"], obj)
            except ApiException as exc:
                return Handling(f"{function}({what}) failed, event dropped: {short_error(exc)}")
            except Exception as exc:
                return Handling(explain(exc, function).summary)
            return Handling(f"{function}({what})")

    LearnerEventSwitch.__name__ = f"Learner_{function}"
    return LearnerEventSwitch


def _fresh(fn: EventSwitchFn) -> EventSwitchFn:
    module = sys.modules.get(getattr(fn, "__module__", "") or "")
    path = getattr(module, _LEARNER_MARK, None)
    if not path:
        return fn
    again = getattr(_import(Path(path)), getattr(fn, "__name__", ""), None)
    return again if callable(again) else fn


# --- the learner's file ----------------------------------------------------------------------


@dataclass(frozen=True)
class LearnerControllers:
    """What a learner's file (or a dict of functions) provides.

    ``reconcilers`` maps a kind (``"Number"``) to the learner's own function; ``owner_of`` and
    ``event_switch_tuple`` are theirs if defined; ``source`` names where they came from.
    """

    reconcilers: Mapping[str, LearnerReconcile] = field(default_factory=dict)
    owner_of: OwnerOf | None = None
    event_switch_tuple: EventSwitchFn | None = None
    source: str = FILE_NAME

    @classmethod
    def of(cls, reconcilers: Mapping[str | KindNames, LearnerReconcile], *,
           owner_of: OwnerOf | None = None, source: str = "your functions",
           ) -> LearnerControllers:
        """From ``{"Number": reconcile_number}`` or ``{NUMBER: reconcile_number}``."""
        by_kind: dict[str, LearnerReconcile] = {}
        for key, fn in reconcilers.items():
            kind = key.kind if isinstance(key, KindNames) else str(key)
            if kind not in RECONCILE_NAMES:
                raise ValueError(f"no controller for kind {kind!r}: the kinds are "
                                 f"{', '.join(RECONCILE_NAMES)}.")
            if not callable(fn):
                raise TypeError(f"the reconciler for {kind} must be a function, not "
                                f"{type(fn).__name__}.")
            by_kind[kind] = fn
        return cls(by_kind, owner_of, None, source)

    def adapted(self) -> dict[str, ReconcileFn]:
        """``{kind: as_reconcile(fn, kind)}`` for the learner's reconcilers."""
        return {kind: as_reconcile(fn, kind) for kind, fn in self.reconcilers.items()}

    def describe(self) -> str:
        """``Number: your reconcile_number (my_controllers.py); Tuple, Fermat: the package's``."""
        parts = []
        if self.reconcilers:
            theirs = ", ".join(f"{RECONCILE_NAMES[k]}" for k in self.reconcilers)
            parts.append(f"{', '.join(self.reconcilers)}: your {theirs} ({self.source})")
        others = [k for k in RECONCILE_NAMES if k not in self.reconcilers]
        if others:
            parts.append(f"{', '.join(others)}: the package's model answer")
        parts.append(f"children → owner: {'your owner_of' if self.owner_of else 'the package'}")
        return "; ".join(parts)


def load_controllers(path: str | Path | None = None) -> LearnerControllers:
    """Import the learner's file afresh (a new module object every call, so edits take effect)
    and collect ``reconcile_number/tuple/fermat``, ``owner_of`` and ``event_switch_tuple``.

    A missing file, a syntax error or an exception while importing raises
    :class:`LearnerCodeError` saying what to do. A file that defines none of them is returned
    empty; whoever needs a reconciler says so.
    """
    file = Path(path).absolute() if path is not None else controllers_path()
    if not file.is_file():
        raise LearnerCodeError(
            f"There is no {file.name} at {file.parent}: run a cell that starts with "
            "%%my_controllers (it saves your functions there), or pass the right path "
            f"(from a terminal: mathctl run --controllers path/to/{FILE_NAME}).")
    module = _import(file)
    reconcilers = {kind: fn for kind, attr in RECONCILE_NAMES.items()
                   if callable(fn := getattr(module, attr, None))}
    owner_of = getattr(module, "owner_of", None)
    switch = getattr(module, "event_switch_tuple", None)
    return LearnerControllers(reconcilers, owner_of if callable(owner_of) else None,
                              switch if callable(switch) else None, file.name)


def _import(file: Path) -> ModuleType:
    name = file.stem if file.stem.isidentifier() else "my_controllers"
    spec = importlib.util.spec_from_file_location(name, file)
    if spec is None or spec.loader is None:
        raise LearnerCodeError(f"{file.name} cannot be imported: name it something.py.")
    module = importlib.util.module_from_spec(spec)
    setattr(module, _LEARNER_MARK, str(file))
    previous = sys.modules.get(name)
    sys.modules[name] = module  # dataclasses and pickling look their module up there
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        _restore(name, previous)
        raise LearnerCodeError(
            f"{file.name} line {exc.lineno} is not valid Python ({exc.msg}: "
            f"{(exc.text or '').strip()}) — fix that cell and run it again; %%my_controllers "
            "saves it.") from None
    except Exception as exc:
        _restore(name, previous)
        where = learner_line(exc)
        raise LearnerCodeError(_one_line(
            f"importing {file.name} raised {_described(exc)}{_at(where)} — top-level code runs "
            "on import: keep only imports, constants and defs there.")) from None
    return module


def _restore(name: str, previous: ModuleType | None) -> None:
    if previous is None:
        sys.modules.pop(name, None)
    else:
        sys.modules[name] = previous
