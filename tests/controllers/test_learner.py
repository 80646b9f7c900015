"""The learner's own controllers: adapted to the reconcile contract, loaded from their file, and
run by the same operator as the package's — against the session's real API server.

The learner code here is ``learner_examples.py`` (written right, official client only) and small
deliberately broken variants written to ``tmp_path``.
"""

from __future__ import annotations

import json
import shutil
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kubernetes.client import ApiClient, CustomObjectsApi
from kubernetes.client.exceptions import ApiException

from mathctl.cluster import wait_for
from mathctl.controllers.learner import (
    LearnerCodeError,
    LearnerControllers,
    as_event_switch,
    as_reconcile,
    controllers_path,
    explain,
    load_controllers,
)
from mathctl.controllers.outcome import Write
from mathctl.controllers.runner import Operator
from mathctl.notebook.settle import wait_settled
from mathctl.resources.group import GROUP, NUMBER, VERSION

from . import learner_examples as good
from .kube import Kube, is_current

EXAMPLES = Path(good.__file__)

STUB = '''
def reconcile_number(api, namespace, name):
    """Read the Number, compute its status, write it if it differs."""
    raise NotImplementedError("reconcile_number: read, compute, write the status")
'''

NO_STATUS_YET = '''
from mathctl.resources import GROUP, NUMBER, VERSION


def reconcile_number(api, namespace, name):
    number = api.get_namespaced_custom_object(GROUP, VERSION, namespace, NUMBER.plural, name)
    old = number["status"]["fizzBuzz"]
'''


def learner_file(tmp_path: Path, source: str | None = None) -> Path:
    """``tmp_path/my_controllers.py``: the good examples, or ``source``."""
    path = tmp_path / "my_controllers.py"
    if source is None:
        shutil.copy(EXAMPLES, path)
    else:
        path.write_text(textwrap.dedent(source))
    return path


@pytest.fixture
def run(api_client: ApiClient, namespace: str, crds: list[str]) -> Iterator[list[Operator]]:
    """Operators started by a test; all stopped at the end."""
    started: list[Operator] = []
    yield started
    for op in started:
        op.stop()


def start(run: list[Operator], api_client: ApiClient, namespace: str, **kwargs: Any) -> Operator:
    op = Operator(api_client, namespace=namespace, resync=None, **kwargs)
    run.append(op)
    return op.start()


# --- the file --------------------------------------------------------------------------------


def test_the_file_is_my_controllers_in_the_working_directory_unless_the_environment_says(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MATHCTL_CONTROLLERS", raising=False)
    assert controllers_path() == tmp_path / "my_controllers.py"
    monkeypatch.setenv("MATHCTL_CONTROLLERS", str(tmp_path / "x.py"))
    assert controllers_path() == tmp_path / "x.py"


def test_loading_finds_the_functions_and_imports_afresh_every_time(tmp_path: Path) -> None:
    path = learner_file(tmp_path)
    found = load_controllers(path)
    assert set(found.reconcilers) == {"Number", "Tuple", "Fermat"}
    assert found.owner_of is not None and found.event_switch_tuple is None
    assert found.reconcilers["Number"].__name__ == "reconcile_number"
    assert found.source == "my_controllers.py"

    path.write_text(STUB)
    again = load_controllers(path)
    assert set(again.reconcilers) == {"Number"} and again.owner_of is None
    with pytest.raises(NotImplementedError):
        again.reconcilers["Number"](None, "ns", "n")  # type: ignore[arg-type]


@pytest.mark.parametrize(("source", "expected"), [
    (None, r"There is no my_controllers\.py at .*: run a cell that starts with %%my_controllers"),
    ("def reconcile_number(api, namespace, name)\n    pass\n",
     r"my_controllers\.py line 1 is not valid Python \(expected ':'"),
    ("import math\nx = math.sqrt(-1)\n",
     r"importing my_controllers\.py raised ValueError: math domain error at my_controllers\.py "
     r"line 2 \(x = math\.sqrt\(-1\)\) — top-level code runs on import"),
])
def test_a_file_that_cannot_be_used_is_explained(tmp_path: Path, source: str | None,
                                                 expected: str) -> None:
    path = tmp_path / "my_controllers.py"
    if source is not None:
        path.write_text(source)
    with pytest.raises(LearnerCodeError, match=expected) as info:
        load_controllers(path)
    assert "\n" not in info.value.summary


def test_a_notebook_cell_shows_the_sentence_not_a_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from IPython.core.interactiveshell import InteractiveShell

    ip = InteractiveShell.instance()
    ip.user_ns["load_controllers"] = load_controllers
    result = ip.run_cell(f"load_controllers({str(tmp_path / 'my_controllers.py')!r})")
    assert isinstance(result.error_in_exec, LearnerCodeError)
    shown = capsys.readouterr().out
    assert shown.strip() == f"LearnerCodeError: {result.error_in_exec.summary}"
    assert "Traceback" not in shown


def test_the_operator_refuses_a_file_without_a_reconcile(tmp_path: Path,
                                                         api_client: ApiClient) -> None:
    path = learner_file(tmp_path, "def fizzbuzz(n):\n    return str(n)\n")
    with pytest.raises(LearnerCodeError, match="defines none of reconcile_number, "
                                               "reconcile_tuple, reconcile_fermat"):
        Operator(api_client, namespace="default", controllers=path)


# --- as_reconcile ----------------------------------------------------------------------------


def test_as_reconcile_counts_the_learners_writes_and_a_converged_call_makes_none(
        kube: Kube, api_client: ApiClient, namespace: str) -> None:
    reconcile = as_reconcile(good.reconcile_number, NUMBER)
    kube.create("Number", "n", 15)
    seen: list[Write] = []
    first = reconcile(api_client, namespace, "n", before_write=seen.append)
    assert first.writes == [Write("status", "Number", "n")] == seen
    assert kube.status("Number", "n")["fizzBuzz"] == "FizzBuzz"
    second = reconcile(api_client, namespace, "n")
    assert second.converged and second.found and second.summary().endswith("in sync, no writes")
    gone = reconcile(api_client, namespace, "nobody")
    assert not gone.found and not gone.writes


def test_a_conflict_made_in_before_write_is_counted_and_marks_the_outcome_stale(
        kube: Kube, api_client: ApiClient, namespace: str) -> None:
    kube.create("Number", "n", 9)

    def someone_else_writes(write: Write) -> None:
        kube.set_spec("Number", "n", 10)  # between the learner's read and their write

    # The learner's PUT carries the resourceVersion it read, now stale: 409 Conflict
    # (kube: staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go, Update →
    # GuaranteedUpdate's resourceVersion precondition → errors.NewConflict).
    outcome = as_reconcile(good.reconcile_number, "Number")(
        api_client, namespace, "n", before_write=someone_else_writes)
    assert (outcome.conflicts, outcome.stale, outcome.writes) == (1, True, [])
    assert "status" not in (kube.get("Number", "n") or {})


def test_learner_exceptions_become_one_sentence_with_their_line_and_a_hint(
        kube: Kube, api_client: ApiClient, namespace: str, tmp_path: Path) -> None:
    kube.create("Number", "n", 4)
    learner = load_controllers(learner_file(tmp_path, NO_STATUS_YET))
    reconcile = as_reconcile(learner.reconcilers["Number"], "Number")
    with pytest.raises(LearnerCodeError) as info:
        reconcile(api_client, namespace, "n")
    assert info.value.summary == (
        "reconcile_number raised KeyError: 'status' at my_controllers.py line 7 "
        "(old = number[\"status\"][\"fizzBuzz\"]) — a new object has no status yet: read it "
        "with obj.get('status') or {} instead of obj['status'].")
    with pytest.raises(LearnerCodeError, match=r"ApiException 404 NotFound: .* at "
                       r"my_controllers\.py line 6 .* handle 404: the object was deleted"):
        reconcile(api_client, namespace, "nobody")
    stub = as_reconcile(load_controllers(learner_file(tmp_path, STUB)).reconcilers["Number"],
                        "Number")
    with pytest.raises(LearnerCodeError, match=r"^reconcile_number is not written yet "
                       r"\(my_controllers\.py line 4: raise NotImplementedError") as info:
        stub(api_client, namespace, "n")
    assert info.value.not_written and info.value.function == "reconcile_number"


def _api_error(status: int, reason: str, message: str, **details: str) -> ApiException:
    exc = ApiException(status=status, reason=reason)
    exc.body = json.dumps({"kind": "Status", "reason": reason, "message": message,
                           "details": details})
    return exc


@pytest.mark.parametrize(("exc", "hint"), [
    (_api_error(404, "NotFound", 'numbers "n" not found', name="n", kind="numbers"),
     "handle 404: the object was deleted"),
    (_api_error(404, "NotFound", 'numbers "t-1" not found', name="t-1", kind="numbers"),
     "numbers t-1 does not exist: a child being deleted is already gone (treat 404 as done)"),
    (_api_error(409, "AlreadyExists", 'numbers "t-0" already exists'),
     "it exists already: list the children that exist and create only the missing ones"),
    (_api_error(422, "Invalid", "Number.math.mathctl.example \"n\" is invalid: "
                "metadata.resourceVersion: Invalid value: 0x0: must be specified for an update"),
     "send back the object you read, with its metadata.resourceVersion"),
    (_api_error(422, "Invalid", "spec.value: Invalid value: \"string\": must be an integer"),
     "the API server rejected what you sent: spec.value: Invalid value"),
    (KeyError("spec"), "that key is not in the dict: custom objects are plain dicts"),
    (AttributeError("'dict' object has no attribute 'metadata'"),
     "custom objects are plain dicts: write obj['metadata']['name']"),
    (AttributeError("'tuple' object has no attribute 'metadata'"),
     "a list call returns the list under ['items']"),
    (ZeroDivisionError("division by zero"), "fix it in my_controllers.py"),
])
def test_each_common_mistake_gets_its_hint(exc: Exception, hint: str) -> None:
    try:
        raise exc
    except Exception as raised:
        summary = explain(raised, "reconcile_number", kind="Number", name="n").summary
    assert summary.startswith("reconcile_number raised ") and hint in summary, summary
    assert "at test_learner.py line " in summary and "\n" not in summary


def test_as_reconcile_refuses_an_unknown_kind_or_a_non_function() -> None:
    with pytest.raises(ValueError, match="kind must be one of Number, Tuple, Fermat"):
        as_reconcile(good.reconcile_number, "Numbr")
    with pytest.raises(TypeError, match=r"as_reconcile\(reconcile_number, 'Number'\)"):
        as_reconcile(None, "Number")  # type: ignore[arg-type]


# --- in the operator -------------------------------------------------------------------------


def test_the_operator_runs_the_learners_number_controller_from_their_file(
        kube: Kube, api_client: ApiClient, namespace: str, tmp_path: Path,
        run: list[Operator], capsys: pytest.CaptureFixture[str]) -> None:
    op = start(run, api_client, namespace, controllers=learner_file(tmp_path))
    said = ("Number, Tuple, Fermat: your reconcile_number, reconcile_tuple, reconcile_fermat "
            "(my_controllers.py); children → owner: your owner_of")
    assert capsys.readouterr().out == f"Running {said}.\n"
    assert op.controllers == said and f"running {said}" in op.log_tail()
    kube.create("Number", "n", 25)
    obj = kube.wait_current("Number", "n")
    assert obj["status"] == {"fizzBuzz": "Buzz", "isSquare": True, "observedGeneration": 1}
    assert "conditions" not in obj["status"]  # the learner's status, not the package's
    settled = wait_settled(api_client, namespace, timeout=20)
    assert [o["metadata"]["name"] for o in settled.all()] == ["n"]
    outcomes = op.resync()
    assert [(str(k), o.writes) for k, o in outcomes] == [(f"Number {namespace}/n", [])]


def test_kinds_the_learner_did_not_write_run_the_model_answers(
        kube: Kube, api_client: ApiClient, namespace: str, run: list[Operator]) -> None:
    op = start(run, api_client, namespace, controllers={NUMBER: good.reconcile_number})
    assert op.controllers == ("Number: your reconcile_number (your functions); Tuple, Fermat: "
                              "the package's model answer; children → owner: the package")
    kube.create("Tuple", "t", [4, 5])
    tup = kube.wait("Tuple", "t", lambda o: (o.get("status") or {}).get("readyNumbers") == 2,
                    "both children ready")
    assert tup["status"]["conditions"][0]["type"] == "Ready"  # the package's reconcile_tuple
    child = kube.get("Number", "t-0") or {}
    assert "conditions" not in child["status"]  # the learner's reconcile_number


def test_the_learners_tuple_controller_and_owner_of_heal_a_child_deleted_by_hand(
        kube: Kube, api_client: ApiClient, namespace: str, tmp_path: Path,
        run: list[Operator]) -> None:
    start(run, api_client, namespace, controllers=learner_file(tmp_path))
    kube.create("Tuple", "t", [1, 4, 9])
    kube.wait("Tuple", "t", lambda o: (o.get("status") or {}).get("allSquares") is True,
              "all three children ready and squares")
    first_uid = (kube.get("Number", "t-1") or {})["metadata"]["uid"]
    kube.delete("Number", "t-1")  # only the learner's owner_of maps this event to the Tuple
    back = kube.wait("Number", "t-1", lambda o: o["metadata"]["uid"] != first_uid and
                     is_current(o), "t-1 created again and reconciled")
    assert back["metadata"]["ownerReferences"][0]["name"] == "t"
    kube.set_spec("Number", "t-2", 7)  # edited by hand: put back
    kube.wait("Number", "t-2", lambda o: o["spec"]["value"] == 9 and is_current(o),
              "t-2 put back to 9")
    settled = wait_settled(api_client, namespace, timeout=20)
    tup = next(o for o in settled.all() if o["kind"] == "Tuple")
    assert tup["status"]["readyNumbers"] == 3 and tup["status"]["allSquares"] is True


def test_the_learners_three_controllers_build_the_fermat_tree(
        kube: Kube, api_client: ApiClient, namespace: str, tmp_path: Path,
        run: list[Operator]) -> None:
    start(run, api_client, namespace, controllers=learner_file(tmp_path))
    kube.create("Fermat", "f", 13)
    settled = wait_settled(api_client, namespace, timeout=60)
    fermat = next(o for o in settled.all() if o["kind"] == "Fermat")
    assert fermat["status"] == {"pairs": [{"a": 2, "b": 3}], "twoSquaresFound": True,
                                "observedGeneration": 1}
    assert len([o for o in settled.all() if o["kind"] == "Tuple"]) == 7  # i = 0 … 6
    assert len([o for o in settled.all() if o["kind"] == "Number"]) == 14


def test_an_unfilled_stub_is_said_once_and_wait_settled_returns_at_once(
        kube: Kube, api_client: ApiClient, namespace: str, tmp_path: Path,
        run: list[Operator], capsys: pytest.CaptureFixture[str]) -> None:
    op = start(run, api_client, namespace, controllers=learner_file(tmp_path, STUB))
    capsys.readouterr()
    for name in ("a", "b", "c"):
        kube.create("Number", name, 3)
    wait_for(lambda: len(op.not_written) == 1 and op.stats.errors >= 3, 20,
             "the stub to fail for each Number")
    snapshot = wait_settled(api_client, namespace, timeout=600)  # returns at once, not in 600 s
    out = capsys.readouterr().out
    assert out.startswith("Not settled: reconcile_number is not written yet (my_controllers.py "
                          "line 4: raise NotImplementedError(") and out.count("\n") == 1
    assert len(snapshot.all()) == 3
    lines = [line for line in op.log_tail(50, timestamps=False).splitlines()
             if "not written yet" in line]
    assert len(lines) == 1 and "Traceback" not in op.log_tail(50)


def test_a_restart_runs_what_the_file_holds_now(
        kube: Kube, api_client: ApiClient, namespace: str, tmp_path: Path,
        run: list[Operator]) -> None:
    path = learner_file(tmp_path, STUB)
    op = start(run, api_client, namespace, controllers=path)
    kube.create("Number", "n", 5)
    wait_for(lambda: op.not_written, 20, "the stub to be run")
    op.stop()
    learner_file(tmp_path)  # the learner fills it in (the %%my_controllers cell saves it)
    op.start()
    assert kube.wait_current("Number", "n")["status"]["fizzBuzz"] == "Buzz"
    assert op.not_written == {}


def test_a_learner_exception_is_logged_as_one_sentence_naming_the_line_once(
        kube: Kube, api_client: ApiClient, namespace: str, tmp_path: Path,
        run: list[Operator], capsys: pytest.CaptureFixture[str]) -> None:
    op = start(run, api_client, namespace, controllers=learner_file(tmp_path, NO_STATUS_YET))
    kube.create("Number", "n", 4)
    sentence = ("reconcile_number raised KeyError: 'status' at my_controllers.py line 7 (old = "
                "number[\"status\"][\"fizzBuzz\"]) — a new object has no status yet: read it "
                "with obj.get('status') or {} instead of obj['status'].")
    capsys.readouterr()
    wait_settled(api_client, namespace, timeout=600)  # returns once it failed 3 times in a row
    assert capsys.readouterr().out == f"Not settled: {sentence}\n"
    assert op.stats.errors >= 3
    log = op.log_tail(50, timestamps=False)
    lines = [line for line in log.splitlines() if "KeyError" in line]
    assert len(lines) == 1, log
    assert lines[0].endswith(f"Number {namespace}/n: {sentence}")
    assert "Traceback" not in log


def test_owner_of_errors_are_said_once_and_the_objects_own_reconcile_still_runs(
        kube: Kube, api_client: ApiClient, namespace: str, run: list[Operator]) -> None:
    def owner_of(obj: dict[str, Any]) -> Any:
        return obj["metadata"]["ownerReferences"][0]["name"]  # a name, not (kind, ns, name)

    op = start(run, api_client, namespace,
               controllers={"Number": good.reconcile_number, "Tuple": good.reconcile_tuple},
               owner_of=owner_of)
    kube.create("Tuple", "t", [2])
    kube.wait_current("Number", "t-0")
    wait_for(lambda: "owner_of" in op.log_tail(50), 10, "the owner_of error in the log")
    lines = [line for line in op.log_tail(50, timestamps=False).splitlines()
             if "owner_of returned" in line]
    assert len(lines) == 1 and lines[0].endswith(
        "Number: owner_of returned 't'; return (kind, namespace, name) of the owner, e.g. "
        "('Tuple', 'ns', 't'), or None when nothing controls it.")


# --- the optional event switch (stage 40) ----------------------------------------------------


def test_as_event_switch_runs_the_learners_function_and_notes_its_failures(
        kube: Kube, api_client: ApiClient, namespace: str) -> None:
    calls: list[tuple[str, str]] = []

    def event_switch_tuple(api: CustomObjectsApi, event_type: str, obj: dict[str, Any]) -> None:
        calls.append((event_type, obj["metadata"]["name"]))
        if event_type == "ADDED":
            api.create_namespaced_custom_object(GROUP, VERSION, namespace, NUMBER.plural, {
                "apiVersion": f"{GROUP}/{VERSION}", "kind": "Number",
                "metadata": {"name": f"{obj['metadata']['name']}-0"}, "spec": {"value": 1}})
        if event_type == "MODIFIED":
            obj["spec"]["missing"]

    controller = as_event_switch(event_switch_tuple)(api_client, namespace)
    tup = {"kind": "Tuple", "metadata": {"name": "t"}, "spec": {"numbers": [1]}}
    assert controller.handle({"type": "ADDED", "object": tup}).note == \
        "event_switch_tuple(ADDED Tuple t)"
    assert kube.get("Number", "t-0") is not None
    # a second create of the same name: 409 AlreadyExists (kube: store.go Create →
    # storage.NewKeyExistsError → errors.NewAlreadyExists)
    again = controller.handle({"type": "ADDED", "object": tup})
    assert again.note == "event_switch_tuple(ADDED Tuple t) failed, event dropped: " \
                         "409 AlreadyExists" and not again.retry
    broken = controller.handle({"type": "MODIFIED", "object": tup})
    assert broken.note.startswith("event_switch_tuple raised KeyError: 'missing' at "
                                  "test_learner.py line ")
    assert calls == [("ADDED", "t"), ("ADDED", "t"), ("MODIFIED", "t")]


def test_each_event_switch_process_starts_with_the_files_module_memory_empty(
        tmp_path: Path, api_client: ApiClient) -> None:
    path = learner_file(tmp_path, """
        seen = []

        def event_switch_tuple(api, event_type, obj):
            seen.append(event_type)
        """)
    factory = as_event_switch(load_controllers(path).event_switch_tuple)  # type: ignore[arg-type]
    tup = {"kind": "Tuple", "metadata": {"name": "t"}, "spec": {"numbers": []}}
    first = factory(api_client, "ns")
    first.handle({"type": "ADDED", "object": tup})
    first.handle({"type": "MODIFIED", "object": tup})
    second = factory(api_client, "ns")  # a restart: what the first remembered is gone
    second.handle({"type": "MODIFIED", "object": tup})
    assert first.fn.__globals__["seen"] == ["ADDED", "MODIFIED"]  # type: ignore[attr-defined]
    assert second.fn.__globals__["seen"] == ["MODIFIED"]  # type: ignore[attr-defined]


def test_learner_controllers_of_a_dict_checks_kinds_and_functions() -> None:
    with pytest.raises(ValueError, match="no controller for kind 'Numbers'"):
        LearnerControllers.of({"Numbers": good.reconcile_number})
    with pytest.raises(TypeError, match="must be a function"):
        LearnerControllers.of({"Number": "reconcile_number"})  # type: ignore[dict-item]
