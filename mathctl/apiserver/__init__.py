"""The embedded Kubernetes API server: its own process, spoken to over HTTP like a real one.

``python -m mathctl.apiserver`` runs it; ``lifecycle`` is ``mathctl up/down/status/reset``;
``testing.EmbeddedServer`` gives tests and notebooks a private one. Nothing here is imported by
the server process beyond what it needs, so it starts fast.

A request passes through the modules in the order kube-apiserver's layers handle it:

* the HTTP front (kube: ``pkg/server``, ``pkg/endpoints``): ``app`` routes paths to verbs and
  checks the bearer token; ``rbac``, ``tokens`` and ``escalation`` decide who may do what;
  ``discovery`` and ``openapi`` describe what is served;
* decoding (``runtime`` serializers): ``decode`` (size, depth, YAML), ``gotypes`` (Go's type
  errors), ``listoptions`` (query options);
* the verbs (``pkg/endpoints/handlers``, ``pkg/registry/generic``): ``handlers`` creates, gets,
  lists, updates, patches and deletes; ``patch`` and ``strategic`` are the patch types;
  ``apply`` is server-side apply, with ``managedfields`` (who owns which field), ``typed`` and
  ``fieldpath`` (structured-merge-diff's walks and field sets) and ``builtin_types`` (what it
  knows of the built-in kinds);
* validation (``pkg/apis/*/validation``, apiextensions): ``schema`` and ``compiled_schema`` for
  custom resources, ``builtin_validation`` for the built-ins, ``crds`` for CRDs themselves,
  ``errors`` for the Status bodies;
* storage (``pkg/storage``, the watch cache): ``store`` (SQLite plus memory, resourceVersions),
  ``watch``, ``paging``, ``conversion``, ``gofields`` (kube's key order), ``registry`` (what is
  served), ``tables`` and ``printers`` (``kubectl get`` columns);
* the controllers kube runs beside the server (kube-controller-manager): ``gc`` (ownerReferences)
  and ``namespaces`` (namespace deletion), fed by ``queueing``;
* the process: ``__main__``, ``server`` (assembly), ``certs``, ``lifecycle``, ``testing``.
"""
