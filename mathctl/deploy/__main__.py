"""``python -m mathctl.deploy [--check | rbac]``: regenerate install.yaml, or record RBAC needs.

- no argument: write ``deploy/install.yaml`` from ``crds/`` and ``deploy/`` (see
  :mod:`mathctl.deploy.install`);
- ``--check``: exit 1, saying how to fix it, if install.yaml is stale (CI-friendly);
- ``rbac``: run the operator as its ServiceAccount on a throwaway embedded API server through
  the workshop's samples, and print the ClusterRole rules its requests needed next to those
  ``deploy/base/clusterrole.yaml`` grants (:mod:`mathctl.deploy.podrun`).
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mathctl.deploy", description=__doc__)
    parser.add_argument("command", nargs="?", choices=["install", "rbac"], default="install")
    parser.add_argument("--check", action="store_true",
                        help="only check that deploy/install.yaml is current")
    args = parser.parse_args(argv)
    if args.command == "rbac":
        from mathctl.deploy.podrun import print_rbac_report

        return print_rbac_report()
    from mathctl.deploy import install

    if args.check:
        if install.is_current():
            print("deploy/install.yaml is current.")
            return 0
        print("deploy/install.yaml is stale: run `python -m mathctl.deploy` and commit it.",
              file=sys.stderr)
        return 1
    changed = install.write()
    print(f"{'wrote' if changed else 'unchanged:'} {install.INSTALL}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
