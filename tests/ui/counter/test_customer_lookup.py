"""The customer page's look-ups go through the runner: a failing one says why in words
and keeps what was typed; a draft's customer is looked up off the GUI thread and comes
back with the acting status and department the draft had."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from db.engine import Database
from desk.common.records import PersonView
from desk.errors import DatabaseUnavailable
from tests import factories
from ui.counter.context import CounterContext
from ui.counter.draft import DraftStore
from ui.counter.page_customer import CustomerPage
from ui.counter.state import IntakeState
from ui.counter.wizard import IntakeWizard
from ui.dialogs import ScriptedDialogs
from ui.tasks import TaskRunner

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

GONE = "The database server cannot be reached (connection refused); nothing was saved."


def _unreachable(*_args: object, **_kw: object) -> PersonView:
    raise DatabaseUnavailable(GONE)


def _wizard(qtbot: QtBot, cc: CounterContext, tmp_path: Path) -> IntakeWizard:
    w = IntakeWizard(cc, drafts=DraftStore(tmp_path / "draft.json"), offer_draft=True)
    qtbot.addWidget(w)
    w.show()
    return w


def test_a_failing_search_says_why_and_keeps_the_text(qtbot: QtBot, cc: CounterContext, database: Database,
                                                     tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    factories.person(database, given="Grace", family="Hopper")
    w = _wizard(qtbot, cc, tmp_path)
    page = w.pages[0]
    assert isinstance(page, CustomerPage)
    monkeypatch.setattr(cc.people, "search", _unreachable)
    qtbot.keyClicks(page.search, "Grace Hop")
    qtbot.waitUntil(lambda: page.message.isVisibleTo(page))   # the search-as-you-type timer fired
    assert page.message.text() == GONE and page.search.text() == "Grace Hop"
    assert page.results.count() == 0 and not page.isComplete()

    # A card scan (ID + Enter) that cannot reach the server: the same words, the ID stays.
    monkeypatch.setattr(cc.people, "get", _unreachable)
    page.search.setText("900000042")
    page.show_message("")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert page.message.text() == GONE and page.search.text() == "900000042" and not page.isComplete()

    # The server is back: the same text finds the person.
    monkeypatch.undo()
    page.search.setText("Grace Hop")
    qtbot.waitUntil(lambda: page.results.count() == 1)
    assert "Grace Hopper" in page.results.item(0).text()


def test_a_drafts_customer_that_cannot_be_looked_up(qtbot: QtBot, cc: CounterContext, database: Database,
                                                    tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    uid = factories.person(database, given="Left", family="Behind")
    DraftStore(tmp_path / "draft.json").save(
        IntakeState(page=0, person_uid=uid, person_label="Left Behind", serial="SN-9").to_json())
    monkeypatch.setattr(cc.people, "get", _unreachable)
    cc.dialogs = ScriptedDialogs([True])   # "Resume it?"
    w = _wizard(qtbot, cc, tmp_path)
    page = w.pages[0]
    assert isinstance(page, CustomerPage)
    assert GONE in page.card.text() and "Left Behind" in page.card.text()
    assert not page.isComplete() and w.state.person_uid == ""
    assert w.pages[1].serial.text() == "SN-9"     # the rest of the draft is kept


def test_a_drafts_customer_arrives_from_a_worker(qtbot: QtBot, cc: CounterContext, database: Database,
                                                 tmp_path: Path) -> None:
    uid = factories.person(database, given="Ada", family="Lovelace", departments=("Mathematics",),
                           statuses=("student", "staff"))
    DraftStore(tmp_path / "draft.json").save(IntakeState(
        page=1, person_uid=uid, person_label="Ada Lovelace", acting_status="staff",
        acting_department="Mathematics", serial="SN-7").to_json())
    runner = TaskRunner()
    w = _wizard(qtbot, dataclasses.replace(cc, runner=runner, dialogs=ScriptedDialogs([True])), tmp_path)
    page = w.pages[0]
    assert isinstance(page, CustomerPage)
    # The wizard walked on to the draft's page while the look-up was still on its way.
    assert w.currentId() == 1 and "Looking up Ada Lovelace" in page.card.text()
    qtbot.waitUntil(lambda: w.state.person is not None, timeout=5000)
    assert "Ada Lovelace" in page.card.text() and page.status.currentText() == "Staff" and page.status.currentData() == "staff"
    assert (w.state.acting_status, w.state.acting_department) == ("staff", "Mathematics")
    assert runner.wait()
