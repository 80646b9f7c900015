"""Stage 80's checks: the package's own functions pass, each usual mistake gets its own hint."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from mathctl.core.expose import (
    MANAGED_ANNOTATIONS,
    Conflict,
    Create,
    Nothing,
    Update,
    changed_paths,
    controller_uid,
    desired_ingress,
    diff,
    merge_owned,
)
from mathctl.notebook.checks_expose import check_desired_ingress, check_ingress_diff
from mathctl.resources.service_expose import ServiceExpose

Body = dict[str, Any]


def stub(*_: Any) -> Any:
    raise NotImplementedError


def test_the_package_functions_pass() -> None:
    assert check_desired_ingress.verdict(desired_ingress)
    assert check_ingress_diff.verdict(diff)


@pytest.mark.parametrize("chk", [check_desired_ingress, check_ingress_diff])
def test_an_unwritten_stub_is_not_written_yet(chk: Any) -> None:
    verdict = chk.verdict(stub)
    assert not verdict and "not written yet" in verdict.message
    assert f"%solution {chk.name}" in verdict.message


def edited(change: Callable[[Body, ServiceExpose], None]) -> Callable[[ServiceExpose, str], Body]:
    def learner(se: ServiceExpose, namespace: str) -> Body:
        ingress = desired_ingress(se, namespace)
        change(ingress, se)
        return ingress
    return learner


def _swap_host(i: Body, se: ServiceExpose) -> None:
    ns = i["metadata"]["namespace"]
    i["spec"]["rules"][0]["host"] = f"{ns}.{se.spec.service_name}.{se.spec.domain}"


def _always_tls(i: Body, se: ServiceExpose) -> None:
    i["spec"].setdefault("tls", [{"hosts": [i["spec"]["rules"][0]["host"]],
                                  "secretName": "x-tls"}])


def _no_default_secret(i: Body, se: ServiceExpose) -> None:
    if "tls" in i["spec"]:
        i["spec"]["tls"][0]["secretName"] = se.spec.tls.secret_name if se.spec.tls else None


@pytest.mark.parametrize(("change", "words"), [
    (_swap_host, "<service>.<namespace>.<domain>"),
    (lambda i, se: i["metadata"].pop("ownerReferences"), "garbage collector"),
    (lambda i, se: i["metadata"]["ownerReferences"][0].update(controller=False),
     "controller ownerReference"),
    (lambda i, se: i["spec"].update(defaultBackend=i["spec"]["rules"][0]["http"]["paths"][0][
        "backend"]), "defaultBackend"),
    (_always_tls, "only when enabled"),
    (_no_default_secret, "f'{name}-tls'"),
    (lambda i, se: i["metadata"]["annotations"].pop(MANAGED_ANNOTATIONS), "MANAGED_ANNOTATIONS"),
    # issue 11: present but in another order is named as such, not "add the annotation"
    (lambda i, se: i["metadata"]["annotations"].update({MANAGED_ANNOTATIONS: ",".join(
        reversed(i["metadata"]["annotations"][MANAGED_ANNOTATIONS].split(",")))}),
     "the right keys in another order"),
    (lambda i, se: i["metadata"].update(annotations={}), "copy spec.annotations"),
    (lambda i, se: i["spec"]["rules"][0]["http"]["paths"][0].pop("pathType"), "pathType"),
    (lambda i, se: i["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"].update(
        port={"name": "http"}), "port *number*"),
    (lambda i, se: i.update(apiVersion="extensions/v1beta1"), "networking.k8s.io/v1"),
    (lambda i, se: i["metadata"]["labels"].clear(), "metadata.labels"),
])
def test_desired_ingress_mistakes_get_specific_hints(change: Any, words: str) -> None:
    verdict = check_desired_ingress.verdict(edited(change))
    assert not verdict
    assert words in verdict.message


def adopting(desired: Body | None, current: Body | None) -> Any:
    if desired is None:
        return Nothing("Gone")
    if current is None:
        return Create(desired)
    changes = changed_paths(desired, current)
    return Update(merge_owned(desired, current), changes) if changes else Nothing("InSync")


def whole_object(desired: Body | None, current: Body | None) -> Any:
    if desired is None:
        return Nothing("Gone")
    if current is None:
        return Create(desired)
    if controller_uid(current) != controller_uid(desired):
        return Conflict("IngressNotOwned", "")
    return Update(desired, ["everything"]) if current != desired else Nothing("InSync")


def writes_desired(desired: Body | None, current: Body | None) -> Any:
    action = diff(desired, current)
    if isinstance(action, Update):
        return Update(copy.deepcopy(desired) or {}, action.changes)
    return action


def by_name(desired: Body | None, current: Body | None) -> Any:
    if desired is None:
        return Nothing("Gone")
    if current is None:
        return Create(desired)
    refs = current["metadata"].get("ownerReferences") or []
    if not any(r["name"] == desired["metadata"]["name"] for r in refs):
        return Conflict("IngressNotOwned", "")
    changes = changed_paths(desired, current)
    return Update(merge_owned(desired, current), changes) if changes else Nothing("InSync")


def deletes(desired: Body | None, current: Body | None) -> Any:
    return "delete" if desired is None and current is not None else diff(desired, current)


@pytest.mark.parametrize(("learner", "words"), [
    (adopting, "never adopt"),
    (whole_object, "compare only the fields the controller owns"),
    (writes_desired, "resourceVersion"),
    (by_name, "not names"),
    (deletes, "return one of Create, Update, Nothing, Conflict"),
    (lambda d, c: Conflict("NotOurs", "") if isinstance(diff(d, c), Conflict) else diff(d, c),
     "'IngressNotOwned'"),
])
def test_diff_mistakes_get_specific_hints(learner: Any, words: str) -> None:
    verdict = check_ingress_diff.verdict(learner)
    assert not verdict
    assert words in verdict.message

