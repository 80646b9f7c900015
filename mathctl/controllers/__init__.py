"""The Number, Tuple and Fermat controllers: level-based reconcile loops, wired into kopf.

- ``reconcile``  — ``reconcile_number/tuple/fermat(api, namespace, name)``: read, compute the
  desired state with ``mathctl.core.desired``, converge; each returns an ``Outcome``.
- ``operator``   — the kopf registry: ``on.event`` handlers that only queue keys.
- ``dispatcher`` — keys → per-key work queue → reconciles, child → owner mapping, resync;
  ``cache`` — the watch-fed store the reconciles read inside the operator.
- ``children``, ``objects``, ``outcome`` — converging owned children, counted conditional
  writes, and the record of what one reconcile wrote.
- ``runner``     — ``Operator`` for notebooks, ``mathctl run`` for terminals and pods;
  ``kopf_main`` for ``kopf run -m mathctl.controllers.kopf_main``.
"""
