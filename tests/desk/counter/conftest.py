from __future__ import annotations

import pytest

from desk.bootstrap import Services
from desk.counter.bundle import CounterServices


@pytest.fixture
def counter(services: Services) -> CounterServices:
    return services.counter
