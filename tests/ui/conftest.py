"""Qt fixtures: a DeskContext over the test database with a synchronous runner and
scripted dialogs; settings in a temp folder."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desk.actor import Actor
from desk.bootstrap import Services
from desk.incidents.service import NewIncident
from ui.context import DeskContext, build_context
from ui.dialogs import ScriptedDialogs
from ui.settings import Settings
from ui.tasks import SyncRunner


@pytest.fixture
def dialogs() -> ScriptedDialogs:
    return ScriptedDialogs()


@pytest.fixture
def ctx(services: Services, admin: Actor, dialogs: ScriptedDialogs, tmp_path: Path, qapp) -> DeskContext:  # type: ignore[no-untyped-def]
    return build_context(services, admin, SyncRunner(), Settings(tmp_path / "desk.ini"), dialogs,
                         services.db.description)


@pytest.fixture
def tickets(services: Services, admin: Actor, clock) -> list[str]:  # type: ignore[no-untyped-def]
    out = []
    for i, (title, impact) in enumerate([("Projector dead in HUM 101", "high"), ("Printer jam in library", "low"),
                                         ("Eduroam drops in Davis", "medium"), ("Password reset loop", "low"),
                                         ("Canvas quiz not loading", "medium")]):
        clock.advance(minutes=3)
        out.append(services.incidents.open(admin, NewIncident(title=title, impact=impact, urgency="medium",
                                                              service="Printing" if i == 1 else None)).number)
    return out


@pytest.fixture
def window(ctx: DeskContext, tickets: list[str], qtbot) -> Iterator[object]:  # type: ignore[no-untyped-def]
    from ui.main_window import MainWindow

    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.views.current_key() is not None)
    yield w
