"""Fixtures shared by the core's tests."""
from __future__ import annotations

import pytest

from desk.bootstrap import Services
from desk.counter.bundle import CounterServices


@pytest.fixture
def counter(services: Services) -> CounterServices:
    """The counter's services of the composition root, over the test database."""
    return services.counter
