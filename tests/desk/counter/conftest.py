from __future__ import annotations

import pytest

from db.engine import Database
from desk.counter.bundle import CounterServices
from tests.conftest import FakeClock


@pytest.fixture
def counter(database: Database, clock: FakeClock) -> CounterServices:
    return CounterServices.over(database, clock)
