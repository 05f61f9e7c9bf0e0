"""A ticket read in the background fills its page in two turns of the event loop (the
ticket, then its timeline), so neither turn keeps the GUI thread long; the page is whole
when ``loaded`` says so, and a timeline due for a ticket no longer shown is dropped."""
from __future__ import annotations

from typing import Any

import pytest

from ui.context import build_context
from ui.dialogs import ScriptedDialogs
from ui.incidents.page import TicketPage
from ui.settings import Settings
from ui.tasks import TaskRunner

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture
def async_ctx(services, admin, tmp_path, qapp) -> Any:  # type: ignore[no-untyped-def]
    runner = TaskRunner()            # the app's: answers arrive in a later turn of the event loop
    yield build_context(services, admin, runner, Settings(tmp_path / "desk.ini"), ScriptedDialogs(),
                        services.db.description, services.site)
    runner.wait(10_000)


def test_the_timeline_comes_a_turn_after_the_ticket_and_loaded_after_both(async_ctx, services, admin,  # type: ignore[no-untyped-def]
                                                                         tickets, qtbot) -> None:
    number = tickets[1]
    services.incidents.comment(admin, number, "Toner ordered for the library printer")
    page = TicketPage(async_ctx, None)
    qtbot.addWidget(page)
    page.show()
    seen: list[tuple[str, Any]] = []
    fill = page.timeline.fill

    def timeline_fill(detail: Any) -> None:
        # The first part has been filled, and the event loop has turned, by now.
        seen.append(("timeline", (number in page.header.text(), page.form.f_title.text(), page.timeline.list.count())))
        fill(detail)

    page.timeline.fill = timeline_fill  # type: ignore[method-assign]
    page.loaded.connect(lambda n: seen.append(("loaded", (n, page.timeline.list.count()))))
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.show_record(number)
    assert seen[0] == ("timeline", (True, "Printer jam in library", 0))
    assert seen[1][0] == "loaded" and seen[1][1][0] == number and seen[1][1][1] > 0
    assert any("Toner ordered" in page.timeline.list.item(i).text() for i in range(page.timeline.list.count()))
    assert len(seen) == 2


def _read(ctx: Any, page: TicketPage, number: str, qtbot: Any) -> Any:
    """The page's read of ``number``, on a worker as the page does it, without delivering it."""
    got: list[Any] = []
    ctx.runner.read(lambda: page._load(number), got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=20_000)
    return got[0]


def test_a_timeline_due_for_a_ticket_no_longer_shown_is_dropped(async_ctx, tickets, qtbot) -> None:  # type: ignore[no-untyped-def]
    page = TicketPage(async_ctx, None)
    qtbot.addWidget(page)
    page.show()
    loaded: list[str] = []
    page.loaded.connect(loaded.append)
    load = _read(async_ctx, page, tickets[1], qtbot)
    page._on_loaded(load)                       # the ticket is in; its timeline is due next turn
    assert page.timeline.list.count() == 0
    page.retire()                               # the tab closed before that turn came
    qtbot.wait(50)
    assert page.timeline.list.count() == 0 and loaded == []
    # A second answer before the first one's timeline: only the second's is shown.
    first, second = _read(async_ctx, page, tickets[1], qtbot), _read(async_ctx, page, tickets[2], qtbot)
    page._on_loaded(first)
    page._on_loaded(second)
    qtbot.waitUntil(lambda: len(loaded) == 1)
    qtbot.wait(30)
    assert loaded == [tickets[2]]
    assert page.timeline.detail is not None and page.timeline.detail.incident.number == tickets[2]
