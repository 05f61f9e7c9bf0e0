"""Unsaved choices in combo boxes survive a reload caused by another workstation's change."""
from __future__ import annotations

import pytest

from desk.live.watcher import Change
from ui import combos

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def _changed_elsewhere(ctx, services, admin, number: str, **values: object) -> None:  # type: ignore[no-untyped-def]
    """Another workstation saves ``number``; its change reaches this window as the watcher's would."""
    view = services.incidents.get(number)
    after = services.incidents.update(admin, number, view.version, values)
    ctx.changes.publish(Change(ids=((after.id, after.version),)))


@pytest.mark.parametrize("key, value", [("impact", "low"), ("urgency", "high"), ("channel", "walk_in")])
def test_a_changed_choice_is_an_unsaved_edit_and_survives_a_reload(window, ctx, services, admin, tickets,  # type: ignore[no-untyped-def]
                                                                    key: str, value: str) -> None:
    page = window.open_ticket(tickets[0])
    box = page.form.choice_boxes[key]
    assert combos.value(box) != value
    combos.select(box, value)
    assert page.is_dirty() and page.changes() == {key: value}
    _changed_elsewhere(ctx, services, admin, tickets[0], title="Projector dead in HUM 101 (lamp)")
    assert combos.value(box) == value                 # kept, not reset to the stored value
    assert page.banner.isVisible()                    # and the user is told the record changed


def test_a_team_chosen_but_not_assigned_survives_a_reload(window, ctx, services, admin, tickets) -> None:  # type: ignore[no-untyped-def]
    page = window.open_ticket(tickets[1])
    team = page.assignment.f_team
    stored = team.currentText()
    other, third = [team.itemText(i) for i in range(1, team.count()) if team.itemText(i) != stored][:2]
    team.setCurrentText(other)
    _changed_elsewhere(ctx, services, admin, tickets[1], title="Printer jam in library (tray 2)")
    assert page.detail.incident.title == "Printer jam in library (tray 2)"   # the form was clean: re-read
    assert team.currentText() == other                                        # the choice is still there
    # When the assignment itself changes elsewhere, the stored one is shown.
    view = services.incidents.get(tickets[1])
    after = services.incidents.assign(admin, tickets[1], team=third, base_version=view.version)
    ctx.changes.publish(Change(ids=((after.id, after.version),)))
    assert team.currentText() == after.team == third
    assert not page.assignment.is_pending()


@pytest.mark.parametrize("action", ["assign_to_me", "assign"])
def test_unsaved_edits_survive_another_write_from_the_same_tab(window, tickets, services, action: str) -> None:  # type: ignore[no-untyped-def]
    """Assigning re-reads the ticket; the edits not yet saved stay in the form (and are
    still unsaved), where that write did not change the field."""
    page = window.open_ticket(tickets[2])
    page.form.f_title.setText("Eduroam drops in Davis, 3rd floor")
    combos.select(page.form.f_urgency, "high")
    if action == "assign_to_me":
        page.assign_to_me()
    else:
        page.assign(team=next(t for t in page.detail.teams if t != page.detail.incident.team))
    view = services.incidents.get(tickets[2])
    assert view.version > 1 and view.title == "Eduroam drops in Davis"
    assert page.form.f_title.text() == "Eduroam drops in Davis, 3rd floor"
    assert combos.value(page.form.f_urgency) == "high"
    assert page.changes() == {"title": "Eduroam drops in Davis, 3rd floor", "urgency": "high"}
