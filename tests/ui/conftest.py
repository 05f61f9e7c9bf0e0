"""Qt fixtures: a DeskContext over the test database with a synchronous runner and
scripted dialogs; settings in a temp folder. Every UI test runs under the GUI-thread
guard (tests/ui/gui_thread.py): a widget that queries the database itself fails it."""
from __future__ import annotations

from collections.abc import Generator, Iterator
from pathlib import Path

import pytest

from desk.actor import Actor
from desk.bootstrap import Services
from tests import factories
from tests.ui.gui_thread import MARK, SqlGuard, covered, report
from ui.context import DeskContext, build_context
from ui.dialogs import ScriptedDialogs
from ui.settings import Settings
from ui.tasks import SyncRunner

_guard = SqlGuard()


@pytest.fixture(scope="session", autouse=True)
def _sql_guard() -> Iterator[SqlGuard]:
    _guard.install()
    yield _guard
    _guard.uninstall()


@pytest.fixture(autouse=True)
def _sqlite_heap_as_it_was() -> Iterator[None]:
    """The window's opener caps SQLite's memory for the whole process (ui.heap_trim); a
    test that opens a desk must not leave the rest of the suite's process capped."""
    import sqlite3

    def limit() -> int:
        probe = sqlite3.connect(":memory:")
        try:
            return int(probe.execute("PRAGMA soft_heap_limit").fetchone()[0])
        finally:
            probe.close()

    before = limit()
    yield
    if limit() != before:
        probe = sqlite3.connect(":memory:")
        try:
            probe.execute(f"PRAGMA soft_heap_limit = {before}")
        finally:
            probe.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    # Armed from the fixtures on: a widget built by a fixture (the main window) counts too.
    _guard.arm()
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """Fails the test whose widgets queried on the GUI thread, with the SQL and the ui/ frame.

    ``@pytest.mark.gui_db_allowed("why", where="ui/file.py:function")`` lets through the
    queries of one known call site that is being moved elsewhere, and nothing else; it
    fails once that site no longer queries, so the mark does not outlive the offence."""
    outcome = yield
    violations = _guard.disarm()
    mark = item.get_closest_marker(MARK)
    where = mark.kwargs.get("where", "") if mark is not None else ""
    if mark is not None and not where:
        pytest.fail(f"{item.nodeid}: {MARK} needs where='ui/file.py:function'", pytrace=False)
    unexpected = [v for v in violations if not (where and covered(v, where))]
    if unexpected:
        pytest.fail(report(item.nodeid, unexpected), pytrace=False)
    if mark is not None and len(unexpected) == len(violations):
        pytest.fail(f"{item.nodeid} is marked {MARK}(where={where!r}) but that no longer queries on the "
                    "GUI thread: remove the mark.", pytrace=False)
    return outcome


def pytest_runtest_teardown(item: pytest.Item) -> None:
    _guard.disarm()


@pytest.fixture
def dialogs() -> ScriptedDialogs:
    return ScriptedDialogs()


@pytest.fixture
def ctx(services: Services, admin: Actor, dialogs: ScriptedDialogs, tmp_path: Path, qapp) -> DeskContext:  # type: ignore[no-untyped-def]
    return build_context(services, admin, SyncRunner(), Settings(tmp_path / "desk.ini"), dialogs,
                         services.db.description, services.site)


@pytest.fixture
def tickets(services: Services, admin: Actor, clock) -> list[str]:  # type: ignore[no-untyped-def]
    out = []
    for i, (title, impact) in enumerate([("Projector dead in HUM 101", "high"), ("Printer jam in library", "low"),
                                         ("Eduroam drops in Davis", "medium"), ("Password reset loop", "low"),
                                         ("Canvas quiz not loading", "medium")]):
        clock.advance(minutes=3)
        out.append(factories.incident(services, admin, title, impact=impact,
                                      service="Printing" if i == 1 else None).number)
    return out


@pytest.fixture
def window(ctx: DeskContext, tickets: list[str], qtbot) -> Iterator[object]:  # type: ignore[no-untyped-def]
    from ui.main_window import MainWindow

    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.views.current_key() is not None)
    yield w
