"""``python -m mathctl`` is the same as the ``mathctl`` command."""

from mathctl.cli import main

raise SystemExit(main())
