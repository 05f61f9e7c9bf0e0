"""A supervisor and the controlled data set on a SQLite database, for the tests that
check output (PDF, CSV, CLI) rather than SQL, so they need not run twice."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from db.engine import Database
from desk.actor import Actor
from desk.bootstrap import Services
from tests.desk.reports import sla_dataset


@pytest.fixture
def sqlite_loaded(sqlite_url: str) -> Iterator[tuple[Database, Actor]]:
    db = Database.connect(sqlite_url)
    actor = Services.over(db).staff.resolve_actor()  # this OS user: the first account, admin
    sla_dataset.build(db)
    yield db, actor
    db.dispose()
