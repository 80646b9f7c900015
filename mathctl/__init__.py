"""mathctl: learn to write Kubernetes controllers in Python, one notebook at a time.

The package is the product; the notebooks explain and call it. Where to look:

- ``mathctl.core``        — the pure math and the desired-state functions (no Kubernetes I/O).
- ``mathctl.apiserver``   — the embedded Kubernetes API server for learners without a cluster.
- ``mathctl.cluster``     — ``connect()``: one entry point to the embedded server or a kubeconfig.
- ``mathctl.controllers`` — the Number, Tuple and Fermat reconcile loops on kopf.
- ``mathctl.scenarios``   — the event-switch anti-pattern beside the reconcile loop, under faults.
- ``mathctl.notebook``    — checks, live views and source rendering for the notebooks.
"""

__version__ = "0.1.0"
