"""The machinery behind every check cell: call the learner's code, never show a raw traceback.

A check runs the learner's function on chosen inputs and ends in a ``Verdict``: ✓ with a
one-line summary, or ✗ with one specific hint — which input, what was expected, what came
back, and what to change. The learner's exceptions are caught and described (type, message,
and the line of *their* cell that raised); an unfilled stub (``NotImplementedError``) gets
"not written yet". The check functions themselves live in ``mathctl.notebook.checks``.
"""

from __future__ import annotations

import sysconfig
import textwrap
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_PACKAGE = str(Path(__file__).resolve().parents[1])
# JupyterLab breaks stream output anywhere (``word-break: break-all``), mid-word, once a line is
# wider than the cell: a printed verdict is wrapped at word boundaries before it gets there.
WIDTH = 88
_STDLIB = sysconfig.get_paths()["stdlib"]


class Hint(Exception):
    """Raised inside a check to end it with this message for the learner."""


@dataclass(frozen=True)
class Verdict:
    """The outcome of one check: ``str()`` is one ✓/✗ line; a check cell prints it wrapped."""

    name: str
    passed: bool
    message: str

    def __str__(self) -> str:
        return f"{'✓' if self.passed else '✗'} {self.name}: {self.message}"

    def __bool__(self) -> bool:
        return self.passed

    def wrapped(self, width: int = WIDTH) -> str:
        """The verdict as printed: lines of at most ``width`` columns, broken between words
        (a word longer than that — a URL, a long repr — is kept whole), continuation indented."""
        return textwrap.fill(str(self), width, subsequent_indent="  ", break_long_words=False,
                             break_on_hyphens=False)


def short(value: Any, limit: int = 60) -> str:
    """``repr`` of a value, shortened, with its type when that is the likely mistake."""
    text = repr(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def described(value: Any) -> str:
    """``'15' (str)``: the value and its type, for "expected … got …" hints."""
    return f"{short(value)} ({type(value).__name__})"


def call_text(name: str, args: tuple[Any, ...]) -> str:
    return f"{name}({', '.join(short(a, 40) for a in args)})"


def _is_library(filename: str) -> bool:
    return (filename.startswith((_PACKAGE, _STDLIB)) or "site-packages" in filename
            or "dist-packages" in filename)


def _learner_line(exc: BaseException) -> str:
    """' (line 3: return n % 0)' for the innermost frame of the learner's own code."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not _is_library(f.filename)]
    if not frames:
        return ""
    frame = frames[-1]
    code = f": {frame.line.strip()}" if frame.line else ""
    return f" (line {frame.lineno}{code})"


def describe_exception(exc: BaseException) -> str:
    """``TypeError: …``, or for an API error the server's own words (``HTTP 404 NotFound: …``)."""
    from kubernetes.client.rest import ApiException

    if isinstance(exc, ApiException):
        from mathctl.controllers.objects import describe_error

        return f"{type(exc).__name__} ({describe_error(exc)})"
    return f"{type(exc).__name__}: {exc}"


def call(fn: Callable[..., Any], args: tuple[Any, ...], *, name: str, todo: str,
         shown: tuple[str, ...] | None = None,
         advise: Callable[[BaseException], str | None] | None = None) -> Any:
    """Call the learner's ``fn(*args)``; turn a stub or an exception into a ``Hint``.

    ``shown`` replaces the arguments' reprs in messages (e.g. ``("api_client", …)``);
    ``advise`` may return a sentence of advice for a particular exception.
    """
    try:
        result = fn(*args)
    except NotImplementedError:
        raise Hint(f"not written yet: {todo}. Write the body in the cell above, run it, then "
                   f"run this check again (stuck? `%solution {name}`).") from None
    except Hint:
        raise
    except Exception as exc:
        advice = (advise(exc) if advise else None) or \
            "Fix the function, run its cell, then this one."
        called = f"{name}({', '.join(shown)})" if shown is not None else call_text(name, args)
        raise Hint(f"{called} raised {describe_exception(exc)}{_learner_line(exc)}. {advice}"
                   ) from None
    if result is Ellipsis:
        raise Hint(f"not written yet: {todo} ({name} still returns `...`).")
    return result


def require_callable(fn: Any, name: str) -> None:
    if not callable(fn):
        raise Hint(f"pass the function itself, e.g. check_{name}({name}) — not its result "
                   f"(got {described(fn)}).")


def run_check(name: str, body: Callable[[], str]) -> Verdict:
    """Run a check body: its return value is the ✓ summary, a ``Hint`` the ✗ message."""
    try:
        return Verdict(name, True, body())
    except Hint as hint:
        return Verdict(name, False, str(hint))
    except Exception as exc:  # a fault of the check or the cluster, not of the learner
        return Verdict(name, False, f"the check could not run ({type(exc).__name__}: {exc}). "
                                    "Is the cluster up? Re-run the notebook's first cells.")


class Check:
    """A check cell's function: ``check(fn, …)`` prints the verdict; ``.verdict(fn, …)``
    returns it (for tests). The body gets the same arguments and returns the ✓ summary."""

    def __init__(self, name: str, body: Callable[..., str]) -> None:
        self.name = name
        self.body = body
        self.__doc__ = body.__doc__
        self.__name__ = f"check_{name}"

    def verdict(self, *args: Any, **kwargs: Any) -> Verdict:
        return run_check(self.name, lambda: self.body(*args, **kwargs))

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        print(self.verdict(*args, **kwargs).wrapped())

    def __repr__(self) -> str:
        return f"<check {self.__name__}>"


def check(name: str) -> Callable[[Callable[..., str]], Check]:
    """Decorator: ``@check("fizzbuzz") def check_fizzbuzz(fn) -> str: …``."""
    return lambda body: Check(name, body)
