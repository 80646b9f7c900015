"""Where objects live and how changes reach watchers: the store, the watch cache, paging.

Mirrors ``k8s.io/apiserver/pkg/storage`` (``etcd3``, ``cacher``, ``continue.go``): ``store`` is
SQLite on disk plus a dict in memory with one global resourceVersion, ``watch`` fans changes out
to watchers with bookmarks and history, ``paging`` is ``limit``/``continue``, and ``gofields``
writes objects in the key order kube's encoders do. Nothing is imported here, so importing one
module does not load the rest.
"""
