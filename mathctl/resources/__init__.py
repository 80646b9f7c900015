"""The Number, Tuple and Fermat resources: API names, typed models, CRD generation.

``group`` fixes the API group and names; ``numbers``, ``tuples`` and ``fermats`` hold the typed
models (spec, status, object) that the controllers, views and notebooks use instead of raw
dicts; ``conditions`` the ``metav1.Condition`` model; ``crdgen`` writes ``crds/*.yaml`` from those
models. Import what you need from here:

    from mathctl.resources import Number, NumberSpec, GROUP, VERSION
"""

from mathctl.resources.conditions import (
    READY,
    Condition,
    find_condition,
    is_condition_true,
    set_condition,
)
from mathctl.resources.fermats import Fermat, FermatSpec, FermatStatus, Pair
from mathctl.resources.group import (
    API_VERSION,
    CATEGORY,
    FERMAT,
    GROUP,
    KINDS,
    NUMBER,
    TUPLE,
    VERSION,
    KindNames,
)
from mathctl.resources.limits import INT64_MAX, INT64_MIN, MAX_FERMAT_NUMBER, MAX_TUPLE_NUMBERS
from mathctl.resources.meta import ObjectMeta, OwnerReference, owner_reference
from mathctl.resources.numbers import Number, NumberSpec, NumberStatus
from mathctl.resources.tuples import Tuple, TupleSpec, TupleStatus
from mathctl.resources.wire import WireError

__all__ = [
    "API_VERSION", "CATEGORY", "FERMAT", "GROUP", "INT64_MAX", "INT64_MIN", "KINDS",
    "MAX_FERMAT_NUMBER", "MAX_TUPLE_NUMBERS", "NUMBER", "READY", "TUPLE", "VERSION",
    "Condition", "Fermat", "FermatSpec", "FermatStatus", "KindNames", "Number", "NumberSpec",
    "NumberStatus", "ObjectMeta", "OwnerReference", "Pair", "Tuple", "TupleSpec", "TupleStatus",
    "WireError", "find_condition", "is_condition_true", "owner_reference", "set_condition",
]
