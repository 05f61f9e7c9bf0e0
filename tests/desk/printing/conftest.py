from __future__ import annotations

from collections.abc import Iterator

import pytest

from db.engine import Database


@pytest.fixture
def database(sqlite_url: str) -> Iterator[Database]:
    # Printouts do not depend on the engine (the counter services are tested on both): SQLite only.
    db = Database.connect(sqlite_url)
    yield db
    db.dispose()
