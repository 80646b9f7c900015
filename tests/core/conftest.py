"""The arithmetic-engine fixture shared by the number-theory tests (gmpy2 and pure Python)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mathctl.core.primes import ENGINES, use_engine


@pytest.fixture(scope="module", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run a module's tests once per arithmetic engine (module scope: hypothesis accepts it).

    A module opts in with ``pytestmark = pytest.mark.usefixtures("engine")``.
    """
    try:
        previous = use_engine(request.param)
    except ValueError as error:  # gmpy2 not installed: the pure engine is still tested
        pytest.skip(str(error))
    yield request.param
    use_engine(previous)
