"""Server-side apply and ``metadata.managedFields``: who owns which field, and merging by it.

Mirrors ``k8s.io/apiserver/pkg/endpoints/handlers/fieldmanager`` and apimachinery's
``pkg/util/managedfields``, with the parts of ``sigs.k8s.io/structured-merge-diff`` they use:
``apply`` is the apply patch type, ``managedfields`` tracks the managers, ``typed`` and
``fieldpath`` are structured-merge-diff's typed walks and field sets, and ``builtin_types`` is the
apply schema of the built-in kinds. Nothing is imported here, so importing one module does not
load the rest.
"""
