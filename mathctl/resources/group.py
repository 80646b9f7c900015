"""The API group, version and names of mathctl's three kinds, in one place.

Everything that names a resource — the CRD generator (``crdgen``), the controllers, the
embedded API server's tests, the notebooks' ``kubectl get`` cells — reads these constants, so
a name is spelled exactly once. ``.example`` is a reserved TLD (RFC 2606), so the group is
nobody's real domain, yet it has the ``<group>.<domain>`` shape Kubernetes asks for.
"""

from __future__ import annotations

from dataclasses import dataclass

GROUP = "math.mathctl.example"
VERSION = "v1beta1"
API_VERSION = f"{GROUP}/{VERSION}"
CATEGORY = "math"
"""``kubectl get math`` lists Numbers, Tuples and Fermats together."""


@dataclass(frozen=True)
class KindNames:
    """How one kind is named on the API (the CRD's group, version and ``spec.names``).

    The group, version and categories default to the math kinds'; a kind in another group
    (ServiceExpose, in ``service_expose``) passes its own.
    """

    kind: str
    plural: str
    singular: str
    short_names: tuple[str, ...]
    group: str = GROUP
    version: str = VERSION
    categories: tuple[str, ...] = (CATEGORY,)

    @property
    def list_kind(self) -> str:
        return f"{self.kind}List"

    @property
    def crd_name(self) -> str:
        """The CRD's ``metadata.name``: the API server insists on ``<plural>.<group>``."""
        return f"{self.plural}.{self.group}"

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}"


NUMBER = KindNames(kind="Number", plural="numbers", singular="number", short_names=("num",))
TUPLE = KindNames(kind="Tuple", plural="tuples", singular="tuple", short_names=("tup",))
FERMAT = KindNames(kind="Fermat", plural="fermats", singular="fermat", short_names=("fer",))

KINDS: tuple[KindNames, ...] = (NUMBER, TUPLE, FERMAT)
"""Parents after children: the order in which the CRDs are applied and the stages taught."""
