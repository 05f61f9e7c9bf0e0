"""Unsaved edits are never lost by accident: closing a tab or the window with edits asks
Save, Discard or Cancel; Save closes only once the save is stored."""
from __future__ import annotations

import pytest

from tests.ui.closed_tabs import closed

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def test_closing_a_tab_with_edits_offers_save_discard_cancel(window, tickets, services, dialogs, qtbot) -> None:  # type: ignore[no-untyped-def]
    tabs = window.tabs
    page = window.open_ticket(tickets[1])
    page.form.f_title.setText("Printer jam, 2nd floor")
    dialogs.answers.append("cancel")
    tabs.close_tab(tabs.indexOf(page))
    assert tabs.indexOf(page) >= 0 and page.form.f_title.text() == "Printer jam, 2nd floor"
    assert dialogs.asked[-1][0] == "Unsaved changes" and tickets[1] in dialogs.asked[-1][1]
    dialogs.answers.append("save")
    tabs.close_tab(tabs.indexOf(page))
    assert services.incidents.get(tickets[1]).title == "Printer jam, 2nd floor"
    qtbot.waitUntil(lambda: closed(tabs, page))
    other = window.open_ticket(tickets[2])
    other.form.f_title.setText("Never stored")
    dialogs.answers.append("discard")
    tabs.close_tab(tabs.indexOf(other))
    qtbot.waitUntil(lambda: closed(tabs, other))
    assert services.incidents.get(tickets[2]).title == "Eduroam drops in Davis"
    clean = window.open_ticket(tickets[3])
    asked = len(dialogs.asked)
    tabs.close_tab(tabs.indexOf(clean))             # nothing unsaved: no question
    assert len(dialogs.asked) == asked and tabs.indexOf(clean) < 0


def test_a_save_that_is_refused_keeps_the_tab_open_with_its_edits(window, tickets, services, admin, dialogs) -> None:  # type: ignore[no-untyped-def]
    tabs = window.tabs
    page = window.open_ticket(tickets[1])
    loaded = services.incidents.get(tickets[1])
    services.incidents.update(admin, tickets[1], loaded.version, {"title": "Changed on workstation B"})
    page.form.f_title.setText("Mine")
    dialogs.answers += ["save", None]               # Save; then, in the merge, go back to the form
    tabs.close_tab(tabs.indexOf(page))
    assert tabs.indexOf(page) >= 0
    assert page.form.f_title.text() == "Mine" and page.error.isVisible()
    assert services.incidents.get(tickets[1]).title == "Changed on workstation B"


def test_quitting_with_edits_in_several_tabs_asks_once(window, tickets, services, dialogs, qtbot) -> None:  # type: ignore[no-untyped-def]
    a = window.open_ticket(tickets[1])
    b = window.open_ticket(tickets[2])
    a.form.f_title.setText("Saved on quit A")
    b.form.f_title.setText("Saved on quit B")
    dialogs.answers.append("cancel")
    window.close()
    assert window.isVisible()
    assert tickets[1] in dialogs.asked[-1][1] and tickets[2] in dialogs.asked[-1][1]
    dialogs.answers.append("save")
    window.close()
    assert services.incidents.get(tickets[1]).title == "Saved on quit A"
    assert services.incidents.get(tickets[2]).title == "Saved on quit B"
    qtbot.waitUntil(lambda: not window.isVisible())


def test_quitting_and_discarding_stores_nothing(window, tickets, services, dialogs, qtbot) -> None:  # type: ignore[no-untyped-def]
    page = window.open_ticket(tickets[1])
    page.form.f_title.setText("Thrown away")
    dialogs.answers.append("discard")
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible())
    assert services.incidents.get(tickets[1]).title == "Printer jam in library"


def test_quitting_when_one_save_is_refused_stays_open(window, tickets, services, admin, dialogs) -> None:  # type: ignore[no-untyped-def]
    a = window.open_ticket(tickets[1])
    b = window.open_ticket(tickets[2])
    loaded = services.incidents.get(tickets[2])
    services.incidents.update(admin, tickets[2], loaded.version, {"title": "Changed on workstation B"})
    a.form.f_title.setText("Stored")
    b.form.f_title.setText("Collides")
    dialogs.answers += ["save", None]               # Save all; b's merge: back to the form
    window.close()
    assert window.isVisible()
    assert services.incidents.get(tickets[1]).title == "Stored"
    assert window.tabs.currentWidget() is b and b.form.f_title.text() == "Collides"


def test_a_team_chosen_but_not_assigned_is_saved_by_save_on_close(window, tickets, services, dialogs) -> None:  # type: ignore[no-untyped-def]
    """Choosing a team and closing the tab asks; Save makes the assignment, then closes."""
    page = window.open_ticket(tickets[1])
    team = page.assignment.f_team
    other = next(team.itemText(i) for i in range(1, team.count()) if team.itemText(i) != team.currentText())
    team.setCurrentText(other)
    dialogs.answers.append("save")
    window.close_tab(window.tabs.indexOf(page))
    assert dialogs.asked and services.incidents.get(tickets[1]).team == other
    assert window.tabs.indexOf(page) < 0
