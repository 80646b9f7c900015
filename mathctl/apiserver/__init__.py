"""The embedded Kubernetes API server: its own process, spoken to over HTTP like a real one.

``python -m mathctl.apiserver`` runs it; ``lifecycle`` is ``mathctl up/down/status/reset``;
``testing.EmbeddedServer`` gives tests and notebooks a private one. Nothing here is imported by
the server process beyond what it needs, so it starts fast.

A request passes through the subpackages in the order kube-apiserver's layers handle it; each
is named after the kube package it mirrors and its ``__init__`` imports nothing:

* ``endpoints/`` (kube: ``k8s.io/apiserver/pkg/endpoints``): ``app`` routes paths to verbs
  and checks the bearer token; ``discovery`` and ``openapi`` describe what is served; ``decode``
  (size, depth, YAML), ``gotypes`` (Go's type errors) and ``listoptions`` (query options) read
  the request; ``handlers`` creates, gets, lists, updates, patches and deletes; ``patch`` and
  ``strategic`` are the patch types; ``errors`` writes the Status bodies; ``tables`` and
  ``printers`` are ``kubectl get``'s columns;
* ``auth/`` (``pkg/authentication``, RBAC authorization): ``tokens``, ``rbac`` and
  ``escalation`` decide who may do what;
* ``fieldmanager/`` (``endpoints/handlers/fieldmanager``, apimachinery
  ``pkg/util/managedfields``): ``apply`` is server-side apply, with ``managedfields`` (who owns
  which field), ``typed`` and ``fieldpath`` (structured-merge-diff's walks and field sets) and
  ``builtin_types`` (what it knows of the built-in kinds);
* ``validation/`` (apiextensions' schema validation, ``pkg/apis/*/validation``): ``schema`` and
  ``compiled_schema`` for custom resources, ``builtin_validation`` for the built-ins,
  ``selectors`` for label and field selectors;
* ``registry/`` (``pkg/registry``): ``registry`` (what is served), ``crds`` (CRDs themselves),
  ``conversion`` (served versions to the stored one), ``meta`` (ObjectMeta rules);
* ``storage/`` (``pkg/storage``, the watch cache): ``store`` (SQLite plus memory,
  resourceVersions), ``watch``, ``paging``, ``gofields`` (kube's key order);
* ``controllers/`` (what kube-controller-manager runs beside the server): ``gc``
  (ownerReferences) and ``namespaces`` (namespace deletion), fed by ``queueing``;
* the process, here at the top: ``__main__``, ``server`` (assembly), ``certs``, ``lifecycle``,
  ``testing``.
"""
