"""Whether an object may be stored: CRD schemas, the built-ins' rules, selectors.

Mirrors apiextensions-apiserver's ``pkg/apiserver/schema`` and ``pkg/apiserver/validation`` (a
custom resource against its structural schema: ``schema``, with ``compiled_schema`` as its fast
path), kube's ``pkg/apis/*/validation`` for the built-in kinds (``builtin_validation``), and
apimachinery's ``pkg/labels`` and ``pkg/fields`` (``selectors``). Nothing is imported here, so
importing one module does not load the rest.
"""
