"""The log buffer keeps only its operator's lines, tails them, and feeds an Output widget."""

from __future__ import annotations

import logging
import threading

from mathctl.controllers.logbuffer import LogBuffer


class FakeOutput:
    def __init__(self) -> None:
        self.text = ""

    def append_stdout(self, text: str) -> None:
        self.text += text


def log_from_thread(name: str, message: str) -> None:
    thread = threading.Thread(target=logging.getLogger("mathctl.controllers").warning,
                              args=(message,), name=name)
    thread.start()
    thread.join()


def test_only_the_operators_threads_are_kept_and_tail_is_compact() -> None:
    buffer = LogBuffer(("mathctl-operator-9", "mathctl-reconcile-9-"), maxlen=3)
    output = FakeOutput()
    buffer.attach(output)
    log = logging.getLogger("mathctl.controllers")
    log.addHandler(buffer)
    try:
        log_from_thread("mathctl-reconcile-9-_0", "Tuple ns/t: create×2 status (3 ms)")
        log_from_thread("mathctl-reconcile-10-_0", "another operator's line")
        log_from_thread("mathctl-operator-9", "OS signals are ignored: running not in main")
        for i in range(3):
            log_from_thread("mathctl-operator-9", f"line {i}")
    finally:
        log.removeHandler(buffer)
    assert buffer.tail(10, timestamps=False) == [
        "WARNING line 0", "WARNING line 1", "WARNING line 2"]
    assert "another operator" not in output.text and "OS signals" not in output.text
    assert "Tuple ns/t: create×2 status" in output.text
    assert buffer.tail(1)[0].endswith("line 2") and buffer.tail(1)[0][2] == ":"


def log_record(logger: str, level: int, message: str) -> logging.LogRecord:
    return logging.LogRecord(logger, level, __file__, 1, message, None, None)


def kept(buffer: LogBuffer, records: list[logging.LogRecord]) -> list[str]:
    for record in records:
        record.threadName = "mathctl-operator-9"
    return [r.getMessage() for r in records if buffer.filter(r)]


KOPF_AND_OURS = [
    log_record("kopf._core.reactor.running", logging.INFO,
               "Stop-flag is set to True. Operator is stopping."),
    log_record("kopf.activities.startup", logging.INFO,
               "Activity 'mathctl-start-dispatcher' succeeded."),
    log_record("kopf._core.engines.peering", logging.INFO, "Initial authentication has finished."),
    log_record("mathctl.controllers", logging.INFO, "Number ns/n15: status (13 ms)"),
    log_record("mathctl.controllers", logging.DEBUG, "Number ns/n15: nothing to do (1 ms)"),
    log_record("kopf.objects", logging.WARNING, "Patching failed with inconsistencies"),
    log_record("kopf._core.reactor.running", logging.ERROR, "Root task 'watcher' failed"),
]


def test_kopf_housekeeping_is_left_out_unless_verbose_and_problems_always_show() -> None:
    quiet = LogBuffer(("mathctl-operator-9",))
    quiet.setLevel(logging.INFO)
    assert kept(quiet, KOPF_AND_OURS) == [
        "Number ns/n15: status (13 ms)",
        "Number ns/n15: nothing to do (1 ms)",  # the handler's level, not the filter, drops it
        "Patching failed with inconsistencies",
        "Root task 'watcher' failed",
    ]


def test_a_debug_level_buffer_is_verbose_and_keeps_kopfs_lines() -> None:
    verbose = LogBuffer(("mathctl-operator-9",))
    verbose.setLevel(logging.DEBUG)  # what Operator(verbose=True) sets
    assert verbose.verbose
    assert len(kept(verbose, KOPF_AND_OURS)) == len(KOPF_AND_OURS)
    assert not LogBuffer(("x",), verbose=False).verbose


def test_a_detached_output_gets_no_more_lines() -> None:
    buffer = LogBuffer(("mathctl-operator-9",))
    output = FakeOutput()
    buffer.attach(output)
    buffer.detach(output)
    log = logging.getLogger("mathctl.controllers")
    log.addHandler(buffer)
    try:
        log_from_thread("mathctl-operator-9", "after detach")
    finally:
        log.removeHandler(buffer)
    assert output.text == ""
    assert buffer.tail(1, timestamps=False) == ["WARNING after detach"]
