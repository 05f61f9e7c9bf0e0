"""Shared fixtures: the same tests run on SQLite and on a real PostgreSQL server."""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from db.engine import Database
from desk.actor import Actor
from desk.bootstrap import Services
from tests import dbtools

_PG_SKIP_REASON: list[str] = []
# Why the PostgreSQL tests skipped, as the reports carry it: under pytest-xdist (`make test`)
# the tests run in worker processes and only their reports reach the summary.
PG_SKIPPED = "postgres_skipped"
_PG_SKIPPED_SEEN: list[str] = []
# A heartbeat test (tests/ui/test_gui_stall.py) reports (longest stall ms, ticks, limit ms) so.
GUI_STALL = "gui_stall"
_STALLS: list[tuple[str, float, int, float]] = []


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real user's data, config or keyring."""
    monkeypatch.setenv("DESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DESK_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("DESK_LOG_DIR", str(tmp_path / "log"))
    monkeypatch.delenv("DESK_DATABASE_URL", raising=False)


@pytest.fixture(scope="session")
def db_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dbtools.Templates]:
    t = dbtools.Templates(tmp_path_factory.mktemp("db-templates"))
    yield t
    t.cleanup()


@pytest.fixture(scope="session")
def postgres_ready() -> bool:
    reason = dbtools.pg_available()
    if reason is None:
        return True
    if dbtools.REQUIRE_PG:
        pytest.fail(f"PostgreSQL is required (DESK_REQUIRE_POSTGRES=1) but not reachable: {reason}")
    if not _PG_SKIP_REASON:
        _PG_SKIP_REASON.append(reason)
    return False


def _make_database(kind: str, request: pytest.FixtureRequest, tmp_path: Path,
                   templates: dbtools.Templates) -> Iterator[str]:
    if kind == "sqlite":
        yield templates.sqlite_copy(tmp_path / "desk.sqlite3")
        return
    if not request.getfixturevalue("postgres_ready"):
        request.node.user_properties.append((PG_SKIPPED, _PG_SKIP_REASON[0]))
        pytest.skip(f"PostgreSQL not reachable at {dbtools.PG_ADMIN_URL}: {_PG_SKIP_REASON[0]}")
    name = templates.pg_copy()
    try:
        yield dbtools.pg_url(name)
    finally:
        templates.pg_release(name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, db_templates: dbtools.Templates) -> Iterator[str]:
    """URL of a fresh, migrated, seeded database; once per engine."""
    yield from _make_database(request.param, request, tmp_path, db_templates)


@pytest.fixture
def sqlite_url(request: pytest.FixtureRequest, tmp_path: Path, db_templates: dbtools.Templates) -> Iterator[str]:
    yield from _make_database("sqlite", request, tmp_path, db_templates)


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest, tmp_path: Path, db_templates: dbtools.Templates) -> Iterator[str]:
    yield from _make_database("postgres", request, tmp_path, db_templates)


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    db = Database.connect(db_url)
    yield db
    db.dispose()


class FakeClock:
    """A settable clock; starts at a fixed UTC instant and moves only when told."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self.now = start or dt.datetime(2026, 11, 2, 14, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now

    def set(self, when: dt.datetime) -> None:
        self.now = when


# Walk-in repairs in a demo that uses this fixture (the real demo makes 36).
FEW_REPAIRS = 4


@pytest.fixture
def few_demo_repairs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A demo with ``FEW_REPAIRS`` walk-in repairs, for a test that needs a demo but not its
    counter: the repairs go through the counter's real services one by one (intake,
    checklist, pickup), about 80 % of building a 20-ticket demo whatever its size. The
    demo's repairs themselves are checked by tests/desk/test_demo.py's full builds."""
    from desk.counter import demo as counter_demo

    real = counter_demo.add_repairs

    def few(*args: Any, **kwargs: Any) -> int:
        return real(*args, **{**kwargs, "count": min(kwargs.get("count", FEW_REPAIRS), FEW_REPAIRS)})

    monkeypatch.setattr(counter_demo, "add_repairs", few)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def services(database: Database, clock: FakeClock) -> Services:
    return Services.over(database, clock)


@pytest.fixture
def admin(services: Services) -> Actor:
    """The first account on a fresh database (it becomes admin)."""
    return services.staff.resolve_actor(os_username="first-admin")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # Here and not in tests/ui/conftest.py: the xdist controller loads only this conftest.
    for key, value in report.user_properties:
        if key == PG_SKIPPED and not _PG_SKIPPED_SEEN:
            _PG_SKIPPED_SEEN.append(str(value))
        elif key == GUI_STALL and report.when == "call":
            longest, ticks, limit = value
            _STALLS.append((report.nodeid, longest, ticks, limit))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _PG_SKIPPED_SEEN:
        terminalreporter.write_sep(
            "!", f"PostgreSQL tests SKIPPED: no server at {dbtools.PG_ADMIN_URL} ({_PG_SKIPPED_SEEN[0]}). "
                 "Start PostgreSQL or set DESK_TEST_POSTGRES to run them.", yellow=True, bold=True)
    for test, longest, ticks, limit in _STALLS:
        terminalreporter.write_line(f"GUI heartbeat: longest stall {longest:.0f} ms over {ticks:,} ticks "
                                    f"(limit {limit:.0f} ms) in {test}")
