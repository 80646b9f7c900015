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
