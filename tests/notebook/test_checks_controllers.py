"""The controller checks, fed right and deliberately wrong learner controllers on a real server.

Every wrong controller (``learner_faults.py``) has one mistake; each test asserts the check's
one line names that mistake and its fix, and a right controller passes with "0 writes".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from kubernetes import client
from kubernetes.client.exceptions import ApiException

from mathctl.cluster import Cluster
from mathctl.controllers.learner import load_controllers
from mathctl.notebook import checks_controllers as checks
from tests.controllers import learner_examples as good

from . import learner_faults as bad


def verdict(check: Any, *args: Any) -> str:
    return str(check.verdict(*args))


def assert_names(check: Any, wrong: Any, cluster: Cluster, named: str) -> None:
    """The check fails ``wrong`` in one line that contains ``named``."""
    said = verdict(check, wrong, cluster)
    assert said.startswith(f"✗ {check.name}: ")
    assert named in said
    assert "\n" not in said


# --- reconcile_number ---------------------------------------------------------------------------


def test_a_right_reconcile_number_converges_with_zero_resync_writes(
        cluster: Cluster, crds: list[str]) -> None:
    assert verdict(checks.check_reconcile_number, good.reconcile_number, cluster) == (
        "✓ reconcile_number: converged under every fault (missed events while down, a status "
        "edited by hand, a double edit, a restart, a 409 Conflict, the object deleted); a "
        "resync of the converged Number made 0 writes.")


def test_stage_70s_api_client_form_is_checked_too(cluster: Cluster, crds: list[str]) -> None:
    def reconcile_number(api_client: client.ApiClient, namespace: str, name: str) -> None:
        good.reconcile_number(client.CustomObjectsApi(api_client), namespace, name)

    assert verdict(checks.check_reconcile_number, reconcile_number, cluster).startswith("✓")


NUMBER_FAULTS = [
    (bad.always_writes_number,
     "after the Number n was created (value 15) it converged, but a resync of the converged "
     "Number made 1 write(s) (status Number n) — compare the wanted state with the current "
     "one and write only what differs"),
    (bad.no_404_number,
     "✗ reconcile_number: before the Number n exists: no_404_number raised ApiException 404"),
    (bad.main_endpoint_number,
     "your main_endpoint_number wrote Number n itself through the main endpoint, where the "
     "server ignores status"),
    (bad.spec_instead_of_status_number,
     "wrote Number n itself through the main endpoint, where the server ignores status and "
     "the spec is the user's — write only its status"),
    (bad.drops_resource_version_number,
     "sent PATCH Number n /status without metadata.resourceVersion"),
    (bad.on_change_number,
     "after its status was edited by hand your on_change_number ran but the status has "
     "{'fizzBuzz': 'Fizz'}, expected {'fizzBuzz': 'Buzz'} — compute from the object as it is "
     "now, not from what changed since the last call"),
]


@pytest.mark.parametrize(("wrong", "named"), NUMBER_FAULTS)
def test_reconcile_number_hints_name_the_fault(cluster: Cluster, crds: list[str], wrong: Any,
                                               named: str) -> None:
    assert_names(checks.check_reconcile_number, wrong, cluster, named)


def test_a_swallowed_409_is_not_lost(cluster: Cluster, crds: list[str]) -> None:
    """The write that caused the 409 is an event of its own: it wakes the controller again, so
    a reconcile that ignores the 409 still converges (what it must do is carry the
    resourceVersion, so the 409 happens at all — see drops_resource_version_*)."""
    for check, wrong in ((checks.check_reconcile_number, bad.swallows_conflict_number),
                         (checks.check_reconcile_tuple, bad.swallows_conflict_tuple)):
        assert verdict(check, wrong, cluster).startswith("✓")


@pytest.mark.parametrize("kind", ["number", "tuple", "fermat"])
def test_the_409_is_real(cluster: Cluster, crds: list[str], kind: str) -> None:
    """The conflicting write lands between the learner's read and write: they get a real 409."""
    right = getattr(good, f"reconcile_{kind}")
    conflicts: list[int] = []

    def reconcile(api: client.CustomObjectsApi, namespace: str, name: str) -> None:
        try:
            right(api, namespace, name)
        except ApiException as exc:
            conflicts.append(exc.status)
            raise

    assert verdict(getattr(checks, f"check_reconcile_{kind}"), reconcile, cluster).startswith("✓")
    assert conflicts == [409]


def test_the_404_hint_says_to_return(cluster: Cluster, crds: list[str]) -> None:
    said = verdict(checks.check_reconcile_number, bad.no_404_number, cluster)
    assert "handle 404: the object was deleted" in said
    assert "learner_faults.py line" in said  # the learner's own line, no traceback


def test_an_unwritten_stub_is_said_once(cluster: Cluster, crds: list[str]) -> None:
    def reconcile_number(api: Any, namespace: str, name: str) -> None:
        raise NotImplementedError

    said = verdict(checks.check_reconcile_number, reconcile_number, cluster)
    assert said.startswith("✗ reconcile_number: reconcile_number is not written yet")


# --- reconcile_tuple ------------------------------------------------------------------------------


def test_a_right_reconcile_tuple_converges_with_zero_resync_writes(
        cluster: Cluster, crds: list[str]) -> None:
    assert verdict(checks.check_reconcile_tuple, good.reconcile_tuple, cluster) == (
        "✓ reconcile_tuple: converged under every fault (missed events while down, a child "
        "deleted by hand, a child edited by hand, a stray child, a double edit, a restart, a "
        "409 Conflict, the object deleted); a resync of the converged Tuple made 0 writes.")


TUPLE_FAULTS = [
    (bad.always_writes_tuple, "a resync of the converged Tuple made 1 write(s) (status Tuple t)"),
    (bad.no_404_tuple, "before the Tuple t exists: no_404_tuple raised ApiException 404"),
    (bad.no_owner_reference_tuple,
     "after the Tuple t was created (numbers [3, 4, 5]) your no_owner_reference_tuple created "
     "t-0 without a controller ownerReference to the Tuple t"),
    (bad.never_deletes_tuple,
     "after t-0 was deleted and spec.numbers became [1] while the controller was down, and a "
     "restart your never_deletes_tuple ran but t-1 is still there — delete the children the "
     "Tuple controls but does not want"),
    (bad.seen_generation_tuple,
     "after t-1 was deleted by hand your seen_generation_tuple ran but did not create it "
     "again — compare the wanted children with the ones that exist, not with the last change."),
    (bad.main_endpoint_tuple, "wrote Tuple t itself through the main endpoint"),
    # A PUT of a custom resource without resourceVersion is 422 on kube (and here): the
    # learner's exception names it (customresource/strategy.go AllowUnconditionalUpdate).
    (bad.drops_resource_version_tuple,
     "after t-2 was edited by hand: drops_resource_version_tuple raised ApiException 422 "
     "Invalid"),
]


@pytest.mark.parametrize(("wrong", "named"), TUPLE_FAULTS)
def test_reconcile_tuple_hints_name_the_fault(cluster: Cluster, crds: list[str], wrong: Any,
                                              named: str) -> None:
    assert_names(checks.check_reconcile_tuple, wrong, cluster, named)


# --- reconcile_fermat -----------------------------------------------------------------------------


def test_a_right_reconcile_fermat_converges_with_zero_resync_writes(
        cluster: Cluster, crds: list[str]) -> None:
    assert verdict(checks.check_reconcile_fermat, good.reconcile_fermat, cluster).endswith(
        "a resync of the converged Fermat made 0 writes.")


def test_reconcile_fermat_hint_names_a_child_never_deleted(cluster: Cluster,
                                                           crds: list[str]) -> None:
    said = verdict(checks.check_reconcile_fermat, bad.never_deletes_fermat, cluster)
    assert "spec.number became 2 while the controller was down, and a restart your " \
           "never_deletes_fermat ran but f-2 is still there — delete the children the Fermat " \
           "controls but does not want" in said


# --- owner_of -----------------------------------------------------------------------------


def test_owner_of() -> None:
    assert verdict(checks.check_owner_of, good.owner_of) == (
        "✓ owner_of: 6 objects right: the controller owner's (kind, namespace, name), None "
        "without one.")

    def first_ref(obj: dict[str, Any]) -> tuple[str, str, str] | None:
        refs = obj["metadata"].get("ownerReferences") or []
        return (refs[0]["kind"], obj["metadata"]["namespace"], refs[0]["name"]) if refs else None

    assert "owned, but not controlled, by Tuple a, owner_of returned ('Tuple', 'ns', 'a'), " \
           "expected None" in verdict(checks.check_owner_of, first_ref)

    def key_error(obj: dict[str, Any]) -> tuple[str, str, str] | None:
        ref = obj["metadata"]["ownerReferences"][0]
        return ref["kind"], obj["metadata"]["namespace"], ref["name"]

    said = verdict(checks.check_owner_of, key_error)
    assert said.startswith("✗ owner_of: for a Number with no ownerReferences key: key_error "
                           "raised KeyError")


def test_the_check_namespaces_are_deleted(cluster: Cluster, crds: list[str]) -> None:
    checks.check_reconcile_number.verdict(good.reconcile_number, cluster)
    checks.check_reconcile_tuple.verdict(bad.seen_generation_tuple, cluster)  # fails midway
    left = [ns.metadata.name for ns in client.CoreV1Api(cluster.api_client).list_namespace(
        label_selector="app.kubernetes.io/managed-by=mathctl-check").items
        if ns.status.phase != "Terminating"]
    assert left == []


# --- a restart is a fresh import of the learner's file ----------------------------------------

REMEMBERS_THE_LAST_SPEC = '''
from kubernetes.client.exceptions import ApiException
from mathctl.resources import GROUP, NUMBER, TUPLE, VERSION
from tests.controllers.learner_examples import API_VERSION, read, write_status

_LAST = {}  # name -> the numbers of the last call: gone after a restart


def reconcile_tuple(api, namespace, name):
    tup = read(api, namespace, TUPLE.plural, name)
    if tup is None:
        return
    numbers = tup["spec"]["numbers"]
    owner = {"apiVersion": API_VERSION, "kind": "Tuple", "name": name,
             "uid": tup["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}
    for i, value in enumerate(numbers):
        child = read(api, namespace, NUMBER.plural, f"{name}-{i}")
        if child is None:
            api.create_namespaced_custom_object(GROUP, VERSION, namespace, NUMBER.plural, {
                "apiVersion": API_VERSION, "kind": "Number",
                "metadata": {"name": f"{name}-{i}", "ownerReferences": [owner]},
                "spec": {"value": value}})
        elif child["spec"] != {"value": value}:
            child["spec"] = {"value": value}
            api.replace_namespaced_custom_object(GROUP, VERSION, namespace, NUMBER.plural,
                                                 f"{name}-{i}", child)
    for i in range(len(numbers), len(_LAST.get(name, []))):
        try:
            api.delete_namespaced_custom_object(GROUP, VERSION, namespace, NUMBER.plural,
                                                f"{name}-{i}")
        except ApiException as exc:
            if exc.status != 404:
                raise
    _LAST[name] = numbers
    write_status(api, tup, TUPLE.plural, {"readyNumbers": len(numbers),
                                          "allSquares": False,
                                          "observedGeneration": tup["metadata"]["generation"]})
'''


def test_a_restart_imports_the_learners_file_again(cluster: Cluster, crds: list[str],
                                                   tmp_path: Path) -> None:
    """Module memory survives in one process; the restart fault starts a fresh one."""
    path = tmp_path / "my_controllers.py"
    path.write_text(REMEMBERS_THE_LAST_SPEC)
    reconcile_tuple = load_controllers(path).reconcilers["Tuple"]
    said = verdict(checks.check_reconcile_tuple, reconcile_tuple, cluster)
    assert said.startswith(
        "✗ reconcile_tuple: after t-0 was deleted and spec.numbers became [1] while the "
        "controller was down, and a restart your reconcile_tuple ran but t-1 is still there")


# --- stage 40: the event switch and the reconcile, side by side -------------------------------


def test_event_switch_check_runs_the_scenarios_on_both(cluster: Cluster,
                                                       crds: list[str]) -> None:
    said = verdict(checks.check_event_switch_tuple, bad.event_switch_tuple, cluster,
                   good.reconcile_tuple)
    assert said.startswith("✓ event_switch_tuple: your reconcile_tuple converged in all 9 "
                           "scenarios; your event_switch_tuple converged in 4 of 9 and "
                           "diverged in: down-child-deleted (missing tuple-x-1), ")
    assert verdict(checks.check_event_switch_tuple, bad.event_switch_tuple, cluster).startswith(
        "✓ event_switch_tuple: the package's reconcile_tuple converged in all 9 scenarios")


def test_event_switch_check_hints(cluster: Cluster, crds: list[str]) -> None:
    assert verdict(checks.check_event_switch_tuple, bad.event_switch_forgets_children,
                   cluster).startswith(
        "✗ event_switch_tuple: on the happy path your event_switch_tuple diverged: missing "
        "tuple-x-0")

    def event_switch_tuple(api: Any, event_type: str, obj: dict[str, Any]) -> None:
        raise NotImplementedError

    assert verdict(checks.check_event_switch_tuple, event_switch_tuple, cluster).startswith(
        "✗ event_switch_tuple: event_switch_tuple is not written yet")
    assert verdict(checks.check_event_switch_tuple, bad.event_switch_tuple, cluster,
                   bad.never_deletes_tuple) == (
        "✗ event_switch_tuple: in scenario happy-path (happy path) your never_deletes_tuple "
        "diverged: extra tuple-x-2; extra tuple-x-3 — check_reconcile_tuple("
        "never_deletes_tuple, cluster) names the fault and its fix.")
