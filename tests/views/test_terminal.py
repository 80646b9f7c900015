"""``mathctl get`` and ``mathctl tree`` against a real server, rendered at a fixed width."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from rich.console import Console

from mathctl.cli import build_parser
from mathctl.cluster import Cluster
from mathctl.resources.wire import parse_time
from mathctl.views.terminal import cmd_get, cmd_tree

from .test_snapshot import create_number


@pytest.fixture
def use_cluster(cluster: Cluster, monkeypatch: pytest.MonkeyPatch) -> Cluster:
    """Point ``connect()`` at the test cluster through the environment, as a user would."""
    monkeypatch.setenv("KUBECONFIG", cluster.kubeconfig)
    monkeypatch.setenv("MATHCTL_CLUSTER", cluster.context)
    return cluster


class _Out(io.StringIO):
    def text(self) -> str:
        """What was printed, without the trailing spaces rich pads table lines with."""
        return "".join(line.rstrip() + "\n" for line in self.getvalue().splitlines())


def _console() -> tuple[Console, _Out]:
    out = _Out()
    return Console(file=out, width=100, color_system=None), out


def test_get_prints_a_table_with_kubectl_ages(use_cluster: Cluster, crds: list[str],
                                              namespace: str) -> None:
    number = create_number(use_cluster.api_client, namespace, "fifteen", 15)
    created = parse_time(number["metadata"]["creationTimestamp"])
    console, out = _console()
    args = build_parser(["get"]).parse_args(["get", "numbers", "-n", namespace])
    assert cmd_get(args, console, now=lambda: created + timedelta(seconds=135)) == 0
    assert out.text() == (
        "Numbers\n"
        "NAME      VALUE   FIZZBUZZ   SQUARE   READY   OBSERVED   OWNER   AGE\n"
        "──────────────────────────────────────────────────────────────────────\n"
        "fifteen   15      …          …        …       …/1                2m15s\n")


def test_tree_and_unknown_kinds(use_cluster: Cluster, crds: list[str], namespace: str) -> None:
    create_number(use_cluster.api_client, namespace, "four", 4)
    console, out = _console()
    args = build_parser(["tree"]).parse_args(["tree", "-n", namespace])
    assert cmd_tree(args, console) == 0
    assert out.text() == (f"namespace {namespace}\n"
                              "└── Number four  value=4  fizzBuzz=…  isSquare=…  (no status yet)\n")
    console, out = _console()
    args = build_parser(["get"]).parse_args(["get", "pods", "-n", namespace])
    assert cmd_get(args, console) == 2
    assert out.text() == "unknown kind 'pods'; use one of: numbers, tuples, fermats\n"


def test_an_unreachable_cluster_says_what_to_do(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: object) -> None:
    monkeypatch.setenv("MATHCTL_CLUSTER", "no-such-context")
    monkeypatch.setenv("KUBECONFIG", "/nonexistent/kubeconfig")
    console, out = _console()
    assert cmd_get(build_parser(["get"]).parse_args(["get", "-n", "x"]), console) == 1
    assert "Cannot read from the cluster" in out.getvalue()
    assert "mathctl up" in out.getvalue()
