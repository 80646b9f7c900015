"""Views of mathctl's resources: rich renderings for the terminal and live ipywidgets views.

- ``render``   — any rich renderable → fixed-width text and HTML (tests, nbval, terminal).
- ``snapshot`` — one read of the Numbers, Tuples and Fermats of a namespace.
- ``describe`` — the short texts for one object's fields (status, Ready, owner, age).
- ``tables``   — a kubectl-like table per kind (``mathctl get``).
- ``tree``     — the Fermat → Tuple → Number ownership tree (``mathctl tree``).
- ``show``     — one-shot tables and tree for notebook cells.
- ``watcher``  — list-then-watch that keeps a snapshot current, in background threads.
- ``live``     — the notebooks' live view, redrawn from the watcher.
- ``terminal`` — the ``mathctl get`` / ``mathctl tree`` verbs.
"""
