"""A closed ticket page is kept and refilled with the next ticket opened (ui.tabs.POOL_SIZE):
it must show the new ticket exactly as a page built for it would, with nothing left over
from the ticket before: fields, conversation, attachments, tasks, edits and drafts, the
dirty state, the pending assignment, errors, filters, focus, and late answers."""
from __future__ import annotations

from typing import Any

import pytest

from tests.ui.closed_tabs import closed
from ui.incidents.page import TicketPage
from ui.tasks import Task, _call

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def shown(page: TicketPage) -> dict[str, Any]:
    """What the user sees of a ticket page, section by section."""
    def items(lst: Any) -> list[str]:
        return [lst.item(i).text() for i in range(lst.count())]

    return {
        "header": page.header.text(), "priority": page.priority.text(), "clocks": page.clocks.text(),
        "fields": page.form_values(), "status": sorted(page.status_buttons),
        "team": page.assignment.f_team.currentText(), "person": page.assignment.f_assignee.currentText(),
        "teams": page.assignment.f_team.count(), "sla": page.sla_card.label.text(),
        "caller": page.caller_card.label.text(), "links": page.links.label.text(),
        "timeline": items(page.timeline.list), "tasks": items(page.tasks.list),
        "attachments": items(page.attachments.list), "knowledge": page.knowledge.label.text(),
        "draft": page.timeline.draft(), "banner": page.banner.isHidden(), "error": page.error.isHidden(),
        "filters": [box.isChecked() for box in page.timeline.filters.values()],
        "move_panel": page.move_panel.isHidden(), "accessible": page.accessibleName(),
    }


def test_a_reused_page_shows_the_next_ticket_as_a_new_page_would(window, ctx, services, admin, tickets,  # type: ignore[no-untyped-def]
                                                                  dialogs, qtbot) -> None:
    first, second = tickets[1], tickets[2]
    services.incidents.comment(admin, first, "Toner ordered for the library printer")
    ctx.details.add_attachment(admin, first, "jam.txt", b"paper path photo")
    tabs = window.tabs
    page = window.open_ticket(first)
    assert page.attachments.list.count() == 1 and any("Toner" in t for t in shown(page)["timeline"])
    # Everything a user leaves behind on a ticket: edits, a draft, a team chosen and not
    # assigned, a filter off, an error outlining a field, the cursor in a field.
    page.form.f_title.setText("Edited, never saved")
    page.timeline.comment_box.setPlainText("A reply never sent")
    page.assignment.f_team.setCurrentIndex(page.assignment.f_team.count() - 1)
    page.timeline.filters["public"].setChecked(False)
    page._show_error("Title is too short.", "title")
    page.form.f_title.setFocus()
    assert page.is_dirty() and page.needs_saving()
    dialogs.answers.append("discard")
    tabs.close_tab(tabs.indexOf(page))
    assert closed(tabs, page)

    again = window.open_ticket(second)
    assert again is page, "the closed page was not reused"
    fresh = TicketPage(ctx, second)
    qtbot.addWidget(fresh)
    assert shown(again) == shown(fresh)
    assert again.number == second and again.detail is not None and again.detail.incident.number == second
    assert not again.is_dirty() and not again.needs_saving() and not again.assignment.is_pending()
    assert all(w.styleSheet() == "" for w in again.fields.values())
    assert again.focusWidget() is None or not again.focusWidget().hasFocus()
    assert tabs.tabText(tabs.indexOf(again)) == second


def test_the_reused_page_saves_the_new_ticket_not_the_old_one(window, services, tickets, dialogs) -> None:  # type: ignore[no-untyped-def]
    tabs = window.tabs
    page = window.open_ticket(tickets[1])
    tabs.close_tab(tabs.indexOf(page))
    page = window.open_ticket(tickets[3])
    page.form.f_title.setText("Password reset loops on the portal")
    page.save()
    assert services.incidents.get(tickets[3]).title == "Password reset loops on the portal"
    assert services.incidents.get(tickets[1]).title == "Printer jam in library"
    assert not page.is_dirty()


def test_a_repair_checklist_goes_with_its_ticket(window, services, admin, tickets) -> None:  # type: ignore[no-untyped-def]
    tabs = window.tabs
    page = window.open_ticket(tickets[0])
    # As a walk-in repair shows it: the counter's checklist in place of the task list.
    page.tasks._show_repair_checklist()
    assert page.tasks.repair_checklist is not None and page.tasks.list.isHidden()
    tabs.close_tab(tabs.indexOf(page))
    page = window.open_ticket(tickets[2])
    assert page.tasks.repair_checklist is None and not page.tasks.list.isHidden()
    assert page.tasks.title() == "Tasks" and page.tasks.number == tickets[2]


class HeldReads:
    """A runner whose reads run at once and are answered on ``flush()``, as a slow
    database answers after the user has moved on."""

    def __init__(self, real: Any) -> None:
        self.real, self.pending = real, []   # type: list[tuple[Task, Any, Any]]

    def read(self, fn, on_done=None, on_error=None, owner=None) -> Task:  # type: ignore[no-untyped-def]
        task = Task(on_done, on_error, owner)
        res, exc = _call(task, fn)
        self.pending.append((task, res, exc))
        return task

    def write(self, *a, **k):  # type: ignore[no-untyped-def]
        return self.real.write(*a, **k)

    def flush(self) -> None:
        while self.pending:
            task, res, exc = self.pending.pop(0)
            task._settle(res, exc)


def test_an_answer_for_the_ticket_before_is_dropped(window, ctx, tickets) -> None:  # type: ignore[no-untyped-def]
    tabs = window.tabs
    page = window.open_ticket(tickets[1])
    tabs.close_tab(tabs.indexOf(page))
    real = ctx.runner
    ctx.runner = held = HeldReads(real)
    try:
        page = window.open_ticket(tickets[4])      # the pooled page; its read is held
        assert page.detail is None and "loading" in page.header.text()
        page.reload()                              # a second read for the same ticket, also held
        tabs.close_tab(tabs.indexOf(page))         # closed before either answer came
    finally:
        ctx.runner = real
    page = window.open_ticket(tickets[3])          # the same page again, filled at once
    assert page.detail is not None and page.detail.incident.number == tickets[3]
    held.flush()                                   # then both answers for tickets[4] arrive
    assert page.detail is not None and page.detail.incident.number == tickets[3]
    assert tickets[3] in page.header.text() and tickets[4] not in page.header.text()
    assert page.form.f_title.text() == "Password reset loop"


def test_the_article_windows_of_the_ticket_before_close_with_it(window, tickets, qtbot) -> None:  # type: ignore[no-untyped-def]
    import shiboken6

    tabs = window.tabs
    page = window.open_ticket(tickets[1])
    first, second = page.knowledge.new_article(), page.knowledge.new_article()   # two drafts open
    assert first.isVisible() and second.isVisible()
    tabs.close_tab(tabs.indexOf(page))
    again = window.open_ticket(tickets[2])
    assert again is page
    qtbot.waitUntil(lambda: not shiboken6.isValid(first) and not shiboken6.isValid(second))
    assert page.knowledge.editor is None and page.knowledge.viewer is None


def test_a_spare_page_made_ahead_shows_the_second_ticket_opened(window, ctx, tickets, qtbot) -> None:  # type: ignore[no-untyped-def]
    from ui.tabs import SPARE_AFTER_MS

    tabs = window.tabs
    first = window.open_ticket(tickets[0])
    qtbot.waitUntil(lambda: bool(tabs.pooled()), timeout=SPARE_AFTER_MS + 5000)
    spare = tabs.pooled()[0]
    assert spare.detail is None and spare.number == "" and tabs.indexOf(spare) < 0
    second = window.open_ticket(tickets[3])          # the first stays open
    assert second is spare and tabs.indexOf(first) >= 0 and tabs.currentWidget() is second
    fresh = TicketPage(ctx, tickets[3])
    qtbot.addWidget(fresh)
    assert shown(second) == shown(fresh)
    second.open_ticket_requested.emit(tickets[4])    # a link followed: wired as a new tab's is
    assert tabs.current_ticket() is not None and tabs.current_ticket().number == tickets[4]
