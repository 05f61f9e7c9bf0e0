"""The Counter page in the real main window: what waits at the desk, intake and pickup inside
the page, kept when its tab closes; feature pages (board, SLA report) that close and come back."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from desk.bootstrap import Services
from tests.conftest import FakeClock
from tests.factories import repair
from ui.counter.home import CounterHome
from ui.counter.install import Counter
from ui.counter.pickup_dialog import PickupDialog
from ui.counter.print_preview import PrintPreviewDialog
from ui.counter.satisfaction_prompt import SatisfactionPrompt
from ui.counter.wizard import IntakeWizard
from ui.features import install_features

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def counter_of(window) -> Counter:  # type: ignore[no-untyped-def]
    install_features(window, window.ctx)
    return next(f for f in window.features if isinstance(f, Counter))


def mark_ready(services: Services, actor, number: str) -> None:  # type: ignore[no-untyped-def]
    state = services.counter.checklist.state(number)
    notify = next(t for t in state.tasks if "Notify customer" in t.title)
    services.counter.checklist.set_done(actor, number, notify.id, True)


def cells(table, row: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [table.item(row, c).text() for c in range(table.columnCount())]


def test_the_counter_page_lists_what_waits_at_the_desk(qtbot: QtBot, window, services: Services, admin,  # type: ignore[no-untyped-def]
                                                       clock: FakeClock) -> None:
    services.counter.loaners.add(admin, "LN-1", "Dell loaner")
    ready = repair(services.db, services.counter, admin, given="Grace", family="Hopper").number
    clock.advance(minutes=5)
    waiting = repair(services.db, services.counter, admin, given="Alan", family="Turing", loaner="LN-1",
                     loan_due=dt.date(2026, 11, 3)).number
    mark_ready(services, admin, ready)
    clock.advance(days=3)                    # the loan was due back on the 3rd: overdue now
    counter = counter_of(window)
    window.views.page_chosen.emit("counter")
    page = counter.page
    assert isinstance(page, CounterHome) and window.tabs.currentWidget() is page
    assert window.views.current_key() == "page:counter"          # the navigation says where one is
    assert page.message.text() == ""
    assert page.ready.rowCount() == 1 and page.workshop.rowCount() == 1
    assert cells(page.ready, 0)[:2] == [ready, "Grace Hopper"]
    row = cells(page.workshop, 0)
    # Words, never values: the status reads "New"; the overdue loan says so in words too.
    assert row[:2] == [waiting, "Alan Turing"] and row[3] == "New" and row[5].startswith("overdue")
    assert page.ready_title.text() == "Ready for pickup (1)" and "1 loaner overdue" in page.loans_line.text()

    # Enter on a ready repair: the pickup form opens inside the page with it looked up.
    page.ready.setCurrentCell(0, 0)
    page.ready._choose(0)
    pickup = page.hosted(PickupDialog)
    assert isinstance(pickup, PickupDialog) and page.stack.currentWidget() is pickup
    assert pickup.repair is not None and pickup.repair.number == ready and not pickup.isWindow()
    assert page.pickup_btn.text() == "Pickup under &way" and page.home_btn.isVisible()

    # Completing it brings the lists back, re-read: nothing is ready any more.
    pickup.id_kind.setCurrentIndex(1)
    for box in pickup.accessory_checks:
        box.setChecked(True)
    pickup.pad.set_strokes([[(20, 80), (60, 30), (100, 90), (140, 30), (200, 80), (220, 60)]])
    pickup.work.setPlainText("Keyboard replaced")
    pickup.complete_btn.click()
    assert pickup.message.text() == ""
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.lists)
    assert page.hosted(PickupDialog) is None and page.ready.rowCount() == 0
    assert services.counter.intake.repair(ready).picked_up_at is not None
    # The customer's three faces first (they are still at the desk), then the receipt.
    prompt = next(w for w in counter.open if isinstance(w, SatisfactionPrompt))
    assert not any(isinstance(w, PrintPreviewDialog) for w in counter.open)
    prompt.comment.setText("Fast, thank you")
    prompt.buttons[3].click()                                            # Happy
    assert any(isinstance(w, PrintPreviewDialog) for w in counter.open)   # the receipt
    summary = services.counter.satisfaction.summary()
    assert (summary.total.happy, summary.comments[0][3]) == (1, "Fast, thank you")
    for w in counter.open:
        w.close()


def test_an_intake_under_way_survives_leaving_the_page_and_closing_its_tab(qtbot: QtBot, window) -> None:  # type: ignore[no-untyped-def]
    counter = counter_of(window)
    wizard = counter.new_intake()
    page = counter.page
    assert page is not None and page.hosted(IntakeWizard) is wizard and not wizard.isWindow()
    wizard.pages[0].search.setText("Lovel")              # the customer is being looked up
    window.show_queue()                                 # Ctrl+2: a technician asks something
    assert window.views.current_key() == "my_open"     # the navigation follows, back to the view
    assert page.intake_btn.text() == "Walk-in repair &under way"
    assert counter.new_intake() is wizard               # one customer at a time: the same one
    assert window.tabs.currentWidget() is page and page.stack.currentWidget() is wizard
    window.tabs.close_tab(window.tabs.indexOf(page))    # the tab goes, the intake stays
    assert window.tabs.indexOf(page) < 0
    window.views.page_chosen.emit("counter")
    assert window.tabs.currentWidget() is page and page.hosted(IntakeWizard) is wizard
    assert wizard.pages[0].search.text() == "Lovel"
    wizard._closed = True
    wizard.done(0)
    qtbot.waitUntil(lambda: page.hosted(IntakeWizard) is None)
    assert page.intake_btn.text() == "New &walk-in repair"


def test_feature_pages_close_and_come_back(qtbot: QtBot, window) -> None:  # type: ignore[no-untyped-def]
    install_features(window, window.ctx)
    for key in ("major_board", "dashboard", "loaner_pool", "counter"):
        window.views.page_chosen.emit(key)
        first = window.tabs.currentWidget()
        window.tabs.close_tab(window.tabs.currentIndex())
        assert window.tabs.indexOf(first) < 0
        window.views.page_chosen.emit(key)                # came back: the same page, not a dead one
        assert window.tabs.currentWidget() is first, key

    window.views.page_chosen.emit("sla_report")
    report = window.tabs.currentWidget()
    assert report.accessibleName() == "SLA report" and not report.isWindow()
    assert window.views.current_key() == "page:sla_report"
    window.views.page_chosen.emit("sla_report")           # one at a time
    assert sum(window.tabs.widget(i) is report for i in range(window.tabs.count())) == 1
    report.close_btn.click()                               # its Close ends the page
    assert window.tabs.indexOf(report) < 0
    window.views.page_chosen.emit("sla_report")
    again = window.tabs.currentWidget()
    assert again is not report and again.accessibleName() == "SLA report"
    window.tabs.close_tab(window.tabs.indexOf(again))      # closing the tab ends it as Close does
    assert again.property("ended")


def test_a_form_finishing_behind_another_leaves_the_one_in_front(qtbot: QtBot, window) -> None:  # type: ignore[no-untyped-def]
    # The intake's write is answered a moment after Finish; meanwhile the next customer's
    # pickup was opened. The intake ending must not pull the pickup away from under them.
    counter = counter_of(window)
    wizard = counter.new_intake()
    pickup = counter.pickup()
    page = counter.page
    assert page is not None and page.stack.currentWidget() is pickup
    wizard._closed = True
    QDialog.done(wizard, 1)      # the intake's write came back (finish_with's accept, the pages unfilled)
    assert page.hosted(IntakeWizard) is None
    assert page.stack.currentWidget() is pickup and page.home_btn.isVisible()
    assert page.intake_btn.text() == "New &walk-in repair"


@pytest.mark.parametrize("form", ["pickup", "intake"])
def test_escape_inside_a_hosted_form_does_not_end_it(qtbot: QtBot, window, form: str) -> None:  # type: ignore[no-untyped-def]
    # On a page Escape is not "close this window": a pickup half done (a signature drawn)
    # or an intake is ended by its Cancel or its Back button, never by a stray key.
    from PySide6.QtCore import Qt

    counter = counter_of(window)
    window.show()
    hosted = counter.pickup() if form == "pickup" else counter.new_intake()
    page = counter.page
    assert page is not None
    target = hosted.scan if isinstance(hosted, PickupDialog) else hosted.pages[0].search  # type: ignore[union-attr]
    target.setText("Lovel")
    qtbot.keyClick(target, Qt.Key.Key_Escape)
    assert page.stack.currentWidget() is hosted and page.hosted(type(hosted)) is hosted


def test_the_pickup_of_a_repair_not_ready_names_its_status_in_words(qtbot: QtBot, window, services: Services,  # type: ignore[no-untyped-def]
                                                                    admin) -> None:
    number = repair(services.db, services.counter, admin).number
    services.incidents.transition(admin, number, "in_progress")
    counter = counter_of(window)
    pickup = counter.pickup(number)
    assert pickup.repair is not None and pickup.repair.number == number
    assert "status In progress" in pickup.info.text() and "in_progress" not in pickup.info.text()
