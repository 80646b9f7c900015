"""Where a background operator's log lines go: a ring buffer, an ``Output`` widget, a stream.

Why it exists: in a notebook the operator runs in its own thread, and anything that thread
prints lands wherever the current ipykernel routes it — often in whichever cell runs next, or
nowhere. So the operator never prints: its log records (kopf's and the reconcile loops') go to
a :class:`LogBuffer`, which keeps the last lines for ``Operator.log_tail()``, appends them to
an ``ipywidgets.Output`` if one is attached (the documented sink for background threads), and
writes them to a stream only when asked (``mathctl run`` in a terminal). Only records from the
operator's own threads are taken, so two operators in one process do not mix their logs.

What a learner reads is the controller's own work: one line per reconcile that wrote something
(the ``mathctl.*`` loggers), and every warning or error from anyone. kopf's housekeeping at
INFO ("Stop-flag is set to True…", "Activity 'mathctl-login' succeeded", "Initial
authentication…") is kept only when the buffer is verbose — by default, when its level is DEBUG,
which is what ``Operator(verbose=True)`` / ``mathctl run -v`` set.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from typing import Any, Protocol, TextIO

# Expected when kopf runs outside the main thread (kopf's embedding docs say so); not news.
_EXPECTED_NOISE = ("OS signals are ignored",)
# Loggers whose INFO lines are the controller's own work (reconciles, the operator's end).
_OWN_LOGGERS = ("mathctl",)


def is_housekeeping(record: logging.LogRecord) -> bool:
    """A framework's routine line (kopf's startup, login, stop): below WARNING, not ours."""
    own = record.name == _OWN_LOGGERS[0] or record.name.startswith(
        tuple(f"{name}." for name in _OWN_LOGGERS))
    return record.levelno < logging.WARNING and not own


class _AppendsStdout(Protocol):
    def append_stdout(self, text: str) -> None: ...


class LogBuffer(logging.Handler):
    """A logging handler keeping the last ``maxlen`` formatted lines of some threads' records."""

    def __init__(self, thread_prefixes: tuple[str, ...], *, maxlen: int = 500,
                 stream: TextIO | None = None, verbose: bool | None = None) -> None:
        super().__init__()
        self.thread_prefixes = thread_prefixes
        self._verbose = verbose
        self.lines: deque[str] = deque(maxlen=maxlen)
        self.stream = stream
        self.outputs: list[_AppendsStdout] = []
        self._lines_lock = threading.Lock()
        self.setFormatter(logging.Formatter("%(asctime)s.%(msecs)03d %(levelname)-7s %(message)s",
                                            datefmt="%H:%M:%S"))

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.threadName or not record.threadName.startswith(self.thread_prefixes):
            return False
        if is_housekeeping(record) and not self.verbose:
            return False
        message = record.getMessage()
        return not message.startswith(_EXPECTED_NOISE)

    @property
    def verbose(self) -> bool:
        """Keep kopf's housekeeping lines too: as set, else whether the level is DEBUG."""
        if self._verbose is not None:
            return self._verbose
        return self.level != logging.NOTSET and self.level <= logging.DEBUG

    @verbose.setter
    def verbose(self, value: bool | None) -> None:
        self._verbose = value

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except Exception:  # a broken log call must never take the operator down
            self.handleError(record)
            return
        with self._lines_lock:
            self.lines.append(line)
        if self.stream is not None:
            self.stream.write(line + "\n")
            self.stream.flush()
        for output in list(self.outputs):
            try:
                output.append_stdout(line + "\n")
            except Exception:
                self.outputs.remove(output)

    def tail(self, n: int = 10, *, timestamps: bool = True) -> list[str]:
        """The last ``n`` lines, optionally without the leading time (stable notebook output)."""
        with self._lines_lock:
            lines = list(self.lines)[-n:] if n > 0 else []
        if not timestamps:
            lines = [line.split(" ", 1)[1] if " " in line else line for line in lines]
        return lines

    def attach(self, output: Any) -> None:
        """Also send every new line to ``output`` (an ``ipywidgets.Output`` or anything with
        ``append_stdout``, such as the live view's log box)."""
        self.outputs.append(output)

    def detach(self, output: Any) -> None:
        """Stop sending lines to ``output`` (a stopped live view keeps what it has)."""
        if output in self.outputs:
            self.outputs.remove(output)
