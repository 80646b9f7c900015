"""The ``mathctl`` command: a thin dispatcher over the package's modules.

Each verb names the function that implements it as ``"module:function"`` and is imported
only when used, so ``mathctl status`` stays fast and a verb's heavy imports (kopf, Jupyter)
are paid only by that verb. Every implementation takes the parsed ``argparse.Namespace``
and returns a process exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

Configure = Callable[[argparse.ArgumentParser], None]

# verb -> (help, "module:function" implementing it, "module:function" adding its options)
VERBS: dict[str, tuple[str, str, str | None]] = {
    "up": ("start the embedded API server in the background",
           "mathctl.apiserver.lifecycle:cmd_up", "mathctl.apiserver.lifecycle:add_up_args"),
    "down": ("stop the embedded API server",
             "mathctl.apiserver.lifecycle:cmd_down", "mathctl.apiserver.lifecycle:add_down_args"),
    "status": ("say whether the embedded API server runs, and where",
               "mathctl.apiserver.lifecycle:cmd_status", None),
    "reset": ("stop the embedded API server and wipe its data",
              "mathctl.apiserver.lifecycle:cmd_reset", None),
    "namespace": ("print your namespace (workshop-<login>, or $MATHCTL_NAMESPACE)",
                  "mathctl.cluster:cmd_namespace", None),
    "run": ("run the Number/Tuple/Fermat controllers against the current cluster",
            "mathctl.controllers.runner:cmd_run", "mathctl.controllers.runner:add_run_args"),
    "scenarios": ("run the event-switch vs reconcile-loop scenarios side by side",
                  "mathctl.scenarios.cli:cmd_scenarios", "mathctl.scenarios.cli:add_args"),
    "get": ("list Numbers, Tuples and Fermats as tables",
            "mathctl.views.terminal:cmd_get", "mathctl.views.terminal:add_get_args"),
    "tree": ("show the Fermat → Tuple → Number ownership tree",
             "mathctl.views.terminal:cmd_tree", "mathctl.views.terminal:add_tree_args"),
    "demo": ("run the workshop's story headless in this terminal",
             "mathctl.demo:cmd_demo", None),
}


def _resolve(ref: str) -> Callable[..., object]:
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def build_parser(verbs: Sequence[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mathctl", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="verb", metavar="VERB")
    for verb, (help_, _impl, configure) in VERBS.items():
        p = sub.add_parser(verb, help=help_, description=help_)
        if configure and (verbs is None or verb in verbs):
            _resolve(configure)(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    wanted = [a for a in argv[:1] if a in VERBS]
    parser = build_parser(wanted)
    args = parser.parse_args(argv)
    if not args.verb:
        parser.print_help()
        return 2
    impl = _resolve(VERBS[args.verb][1])
    return int(impl(args))  # type: ignore[call-overload]
