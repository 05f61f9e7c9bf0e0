"""The Major incident panel and board (pytest-qt, offscreen, scripted dialogs)."""
from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from PySide6.QtWidgets import QPushButton

from db.enums import Role
from desk.actor import Actor
from desk.bootstrap import Services
from desk.incidents.service import NewIncident
from tests import factories
from ui.context import DeskContext, build_context
from ui.dialogs import ScriptedDialogs
from ui.major.board import MajorBoard
from ui.major.install import service_for
from ui.major.panel import MajorIncidentPanel
from ui.settings import Settings
from ui.tasks import SyncRunner

# Offscreen Qt warns about size hints when the main window is shown.
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def new(services: Services, actor: Actor, title: str, service: str = "Wi-Fi & Network") -> str:
    return services.incidents.open(actor, NewIncident(title=title, service=service)).number


def test_panel_promote_team_comms_children_resolve_report_problem(
        ctx: DeskContext, dialogs: ScriptedDialogs, services: Services, admin: Actor, clock, qtbot,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    factories.staff(services, admin, "tina", Role.TECHNICIAN)
    number = new(services, admin, "Wi-Fi down across campus")
    kids = [new(services, admin, f"No Wi-Fi in Davis {i}") for i in range(2)]
    services.incidents.transition(admin, kids[0], "in_progress")
    panel = MajorIncidentPanel(ctx, number, service_for(ctx))
    qtbot.addWidget(panel)
    assert "Not a major incident" in panel.header.text() and not panel.resolve_button.isVisibleTo(panel)

    dialogs.answers += ["", None]   # no reason given: the service's rule answers, in its words
    panel.promote_button.click()
    assert dialogs.shown[-1] == ("Major incident", "Reason is required.") and not services.incidents.get(
        number).is_major
    dialogs.answers += ["All access points down", "Tina (tina)"]
    panel.promote_button.click()
    assert panel.view is not None and panel.view.is_major and panel.view.manager == "Tina"
    assert "MAJOR INCIDENT" in panel.header.text() and not panel.promote_button.isVisibleTo(panel)
    assert "Next update due" in panel.due.text() and not panel.overdue

    dialogs.answers += ["Tina (tina)", "communications"]
    panel.add_member_button.click()
    assert panel.team.rowCount() == 1 and panel.team.item(0, 2).text() == "communications"

    clock.advance(minutes=31)
    panel._show_due()
    assert panel.overdue and "OVERDUE" in panel.due.text()
    panel.update_text.setPlainText("Engineers on site; next update in 15 minutes.")
    panel.next_minutes.setValue(15)
    panel.post_button.click()
    assert not panel.overdue and panel.update_text.toPlainText() == ""
    assert panel.comms.item(0, 2).text().startswith("Engineers on site")   # newest first

    dialogs.answers += [f"{kids[0]}, {kids[1]} {number}"]
    panel.link_button.click()
    assert panel.children_table.rowCount() == 2
    assert any("major incident itself" in text for _, text in dialogs.shown)

    services.incidents.transition(admin, number, "in_progress")
    panel.refresh()
    dialogs.answers += ["Fixed", "Controller rebooted", True]         # the words shown are picked
    panel.resolve_button.click()
    assert ("User education", "user_education") in dialogs.choices_offered[-1]
    assert services.incidents.get(number).status == "resolved"
    assert services.incidents.get(number).resolution_code == "fixed"    # the value is stored
    assert services.incidents.get(kids[0]).status == "resolved"
    assert services.incidents.get(kids[1]).status == "new"              # reported, not forced
    title, text = dialogs.shown[-1]
    assert title == "Major incident resolved" and "Children resolved: 1." in text and kids[1] in text

    out = tmp_path / "pir.pdf"
    monkeypatch.setattr(panel, "ask_report_path", lambda: out)
    panel.report_button.click()
    assert f"Post-incident report {number}" in pypdf.PdfReader(out).pages[0].extract_text()

    opened: list[str] = []
    panel.problem_opened.connect(opened.append)
    dialogs.answers += ["Controller firmware fault"]
    panel.problem_button.click()
    assert opened and services.problems.get(opened[0]).title == "Controller firmware fault"
    assert opened[0] in panel.header.text()
    panel.grab().save(str(tmp_path / "major-panel.png"))


def test_panel_follows_live_changes(ctx: DeskContext, services: Services, admin: Actor, qtbot) -> None:  # type: ignore[no-untyped-def]
    from desk.live.watcher import Change

    svc = service_for(ctx)
    number = new(services, admin, "SSO down")
    svc.promote(admin, number, reason="Nobody can sign in")
    panel = MajorIncidentPanel(ctx, number, svc)
    qtbot.addWidget(panel)
    assert panel.view is not None
    svc.post_update(admin, number, "Identity team engaged")     # another workstation, say
    panel.on_changed_elsewhere(Change(ids=((panel.view.id + 1000, 1),), refresh=False))
    assert panel.comms.rowCount() == 1                         # not about this incident: no re-read
    panel.on_changed_elsewhere(Change(ids=((panel.view.id, 5),), refresh=False))
    assert panel.comms.rowCount() == 2 and panel.comms.item(0, 2).text() == "Identity team engaged"


def test_technician_cannot_promote_and_sees_why(services: Services, admin: Actor, tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    tech = factories.staff(services, admin, "theo", Role.TECHNICIAN)
    ctx = build_context(services, tech, SyncRunner(), Settings(tmp_path / "t.ini"), ScriptedDialogs(), "test",
                        services.site)
    panel = MajorIncidentPanel(ctx, new(services, admin, "Printer jam"), service_for(ctx))
    qtbot.addWidget(panel)
    assert not panel.promote_button.isEnabled() and "supervisor" in panel.promote_button.toolTip()


def test_board_shows_overdue_and_confirms_a_surge(ctx: DeskContext, dialogs: ScriptedDialogs, services: Services,
                                                  admin: Actor, clock, qtbot) -> None:  # type: ignore[no-untyped-def]
    svc = service_for(ctx)
    paged = svc.page(admin, service="Email & Calendar", summary="IMAP down").major.number
    numbers = []
    for i in range(10):
        numbers.append(new(services, admin, f"Cannot print {i}", service="Printing"))
        clock.advance(minutes=1)
    board = MajorBoard(ctx, svc)
    qtbot.addWidget(board)
    assert board.majors_table.rowCount() == 1 and board.proposals_table.rowCount() == 1
    assert board.proposals_table.item(0, 0).text() == "Printing"
    clock.advance(minutes=40)
    board.refresh()
    assert "OVERDUE" in board.majors_table.item(0, 5).text()

    opened: list[str] = []
    board.major_opened.connect(opened.append)
    board.proposals_table.selectRow(0)
    dialogs.answers += [True]
    board.confirm_button.click()
    assert opened == [numbers[0]]
    assert board.proposals_table.rowCount() == 0 and board.majors_table.rowCount() == 2
    assert {board.majors_table.item(r, 0).text() for r in range(2)} == {paged, numbers[0]}

    for i in range(10):
        new(services, admin, f"Password reset {i}", service="Accounts & Passwords")
    board.refresh()
    assert board.proposals_table.item(0, 0).text() == "Accounts & Passwords"
    board.proposals_table.selectRow(0)
    dialogs.answers += ["First day of term"]
    board.dismiss_button.click()
    assert board.proposals_table.rowCount() == 0


def test_installed_in_the_main_window(window, dialogs: ScriptedDialogs, services: Services, admin: Actor,
                                      tickets: list[str], qtbot) -> None:  # type: ignore[no-untyped-def]
    from ui.major.install import install

    tools = install(window, window.ctx)
    actions = {a.text(): a for a in window.menu("&Major").actions()}
    assert actions["Major incident of this &ticket…"].shortcut().toString() == "Ctrl+Alt+M"
    assert actions["Major incidents &board"].shortcut().toString() == "Ctrl+Alt+I"
    window.open_ticket(tickets[0])
    actions["Major incident of this &ticket…"].trigger()
    panel = window.tabs.currentWidget()
    assert isinstance(panel, MajorIncidentPanel) and panel.number == tickets[0]
    actions["Major incidents &board"].trigger()
    assert isinstance(window.tabs.currentWidget(), MajorBoard) and tools.board is window.tabs.currentWidget()
    dialogs.answers += [tickets[1].lower()]
    window.tabs.setCurrentWidget(tools.board)
    tools.open_major()   # no ticket in front: asks for the number
    assert window.tabs.currentWidget().number == tickets[1]
    assert all(isinstance(b, QPushButton) for b in (panel.promote_button, panel.report_button))
