from __future__ import annotations

from collections.abc import Iterator

import pytest

from db.engine import Database
from desk.counter.bundle import CounterServices
from tests.conftest import FakeClock


@pytest.fixture
def database(sqlite_url: str) -> Iterator[Database]:
    # Printouts do not depend on the engine (the counter services are tested on both): SQLite only.
    db = Database.connect(sqlite_url)
    yield db
    db.dispose()


@pytest.fixture
def counter(database: Database, clock: FakeClock) -> CounterServices:
    return CounterServices.over(database, clock)
