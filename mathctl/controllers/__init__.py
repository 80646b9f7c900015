"""The Number, Tuple and Fermat controllers: level-based reconcile loops, wired into kopf.

- ``reconcile``  — ``reconcile_number/tuple/fermat(api, namespace, name)``: read, compute the
  desired state with ``mathctl.core.desired``, converge; each returns an ``Outcome``.
- ``operator``   — the kopf registry: ``on.event`` handlers that only queue keys.
- ``dispatcher`` — keys → per-key work queue → reconciles, child → owner mapping, resync.
- ``runner``     — ``Operator`` for notebooks, ``mathctl run`` for terminals and pods;
  ``kopf_main`` for ``kopf run -m mathctl.controllers.kopf_main``.
"""
