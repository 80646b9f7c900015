"""The numeric limits of mathctl's API, and why each sits where it does.

Used by the models (``number``, ``tuple``, ``fermat``) when they generate the CRD schemas, by
``mathctl.core.desired`` when it plans children, and by the Fermat controller.

**Why Fermat's fan-out is bounded by the controller, not by the schema.** A Fermat for ``n``
owns ``n // 2 + 1`` Tuples, and each Tuple owns two Numbers, so ``n = 10**6`` would ask the
cluster for 1.5 million objects. The schema could forbid large ``n`` with ``maximum``, but the
question "is n a sum of two squares?" stays meaningful for every ``n`` — rejecting it at
admission would call a valid question invalid. So the schema only says what a valid question is
(``minimum: 0`` and ``format: int64``, which caps it at 2**63 - 1 without an explicit
``maximum``; see ``structural``) and the controller decides how much of the tree it is willing to
build: above ``MAX_FERMAT_NUMBER`` it builds none, sets ``Ready=False`` with reason
``TooManyChildren`` and a message naming this limit, and still reports the pure answer
(``status.expectedPairs``).
"""

from __future__ import annotations

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
INT32_MAX = 2**31 - 1

MAX_TUPLE_NUMBERS = 100
"""``Tuple.spec.numbers`` holds 1 … 100 values (the schema's ``minItems``/``maxItems``)."""

MAX_FERMAT_NUMBER = 10_000
"""Largest ``Fermat.spec.number`` for which the controller builds the Tuple tree (5 001 Tuples,
10 002 Numbers). Larger numbers are answered without a tree; see the module docstring."""

DNS1123_SUBDOMAIN_MAX = 253
"""Longest object name the API server accepts for a custom resource."""
