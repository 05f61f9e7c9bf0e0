from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from db.engine import Database
from desk.bootstrap import Services
from tests.conftest import FakeClock
from ui.counter.context import CounterContext
from ui.dialogs import ScriptedDialogs
from ui.settings import Settings
from ui.tasks import SyncRunner


@pytest.fixture
def database(sqlite_url: str) -> Iterator[Database]:
    # The widgets are engine-independent (the services under them run on both engines in tests/desk).
    db = Database.connect(sqlite_url)
    yield db
    db.dispose()


@pytest.fixture
def cc(database: Database, clock: FakeClock, tmp_path: Path) -> CounterContext:
    services = Services.over(database, clock)
    actor = services.staff.resolve_actor(os_username="first-admin")
    return CounterContext(services.counter, services.people, actor,
                          SyncRunner(), ScriptedDialogs(), Settings(tmp_path / "desk.ini"), clock)
