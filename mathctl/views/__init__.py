"""Views of mathctl's resources: rich renderings for the terminal and live ipywidgets views.

- ``render``   — any rich renderable → fixed-width text and HTML (tests, nbval, terminal).
- ``snapshot`` — one consistent read of the Numbers, Tuples and Fermats of a namespace.
- ``tables``   — a kubectl-like table per kind (``mathctl get``).
- ``tree``     — the Fermat → Tuple → Number ownership tree (``mathctl tree``).
- ``terminal`` — the ``mathctl get`` / ``mathctl tree`` verbs.
- ``live``     — the notebooks' live view, refreshed from watches in a background thread.
"""
