"""The ticket detail's repair checklist, actionable links and known errors; the Problems
view (problem records) and the problem tab — real widgets, offscreen, on both engines."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from db.models import Incident
from desk.incidents.service import NewIncident
from tests import factories
from ui.counter.checklist_widget import RepairChecklistWidget
from ui.incidents.page import TicketPage
from ui.problems.detail import ProblemDetailPanel
from ui.problems.model import COLUMN_KEYS

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def test_repair_checklist_in_the_detail_follows_the_counter_rule(window, services, admin, dialogs) -> None:  # type: ignore[no-untyped-def]
    counter = services.counter
    number = factories.repair(services.db, counter, admin).number
    panel = window.open_ticket(number)
    assert isinstance(panel.tasks.repair_checklist, RepairChecklistWidget)
    assert panel.tasks.list.isHidden() and len(panel.tasks.repair_checklist.boxes) == 8
    dialogs.answers.extend([True, "SSD 512 GB"])          # accept Pending (parts), name the part
    order = next(b for b in panel.tasks.repair_checklist.boxes if "Order parts" in b.text())
    order.setChecked(True)
    assert services.incidents.get(number).status == "pending_parts"
    assert counter.intake.repair(number).parts == ("SSD 512 GB",)
    assert "Pending (parts)" in panel.header.text()        # the detail re-read the ticket
    counter.checklist.parts_arrived(admin, number)
    panel.reload()
    notify = next(b for b in panel.tasks.repair_checklist.boxes if "Notify customer" in b.text())
    notify.setChecked(True)
    assert counter.checklist.state(number).ready_for_pickup
    assert "ready for pickup" in panel.tasks.repair_checklist.header.text()


def test_other_tickets_keep_the_plain_task_list(window, tickets) -> None:  # type: ignore[no-untyped-def]
    panel = window.open_ticket(tickets[0])
    assert panel.tasks.repair_checklist is None and not panel.tasks.list.isHidden()


def test_links_open_problem_parent_and_children(window, services, admin, tickets, qtbot) -> None:  # type: ignore[no-untyped-def]
    parent, child = tickets[0], tickets[1]
    with services.db.writing() as s:
        p = s.query(Incident).filter_by(number=parent).one()
        p.is_major = True
        s.query(Incident).filter_by(number=child).one().parent_id = p.id
    prb = services.problems.open(admin, title="Projector lamps", incidents=(child,)).number
    panel = window.open_ticket(child)
    assert f"href='problem:{prb}'" in panel.links.label.text() and f"href='incident:{parent}'" in panel.links.label.text()
    assert panel.links.label.focusPolicy() == Qt.FocusPolicy.StrongFocus
    panel.links.label.linkActivated.emit(f"incident:{parent}")
    assert isinstance(window.tabs.currentWidget(), TicketPage) and window.tabs.currentWidget().number == parent
    parent_panel = window.tabs.currentWidget()
    assert f"href='incident:{child}'" in parent_panel.links.label.text()
    parent_panel.links.label.linkActivated.emit(f"incident:{child}")
    assert window.tabs.currentWidget() is panel                 # already open: its tab comes to the front
    # Keyboard only: Tab from the button before the links lands on the first link, Enter follows it.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    before = panel.links.label.previousInFocusChain()
    while not (before.focusPolicy() & Qt.FocusPolicy.TabFocus and before.isVisible() and before.isEnabled()):
        before = before.previousInFocusChain()
    before.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(before, Qt.Key.Key_Tab)
    assert panel.links.label.hasFocus()
    qtbot.keyClick(panel.links.label, Qt.Key.Key_Return)
    tab = window.tabs.currentWidget()
    assert isinstance(tab, ProblemDetailPanel) and tab.number == prb
    assert [tab.incidents.item(i).data(Qt.ItemDataRole.UserRole) for i in range(tab.incidents.count())] == [child]
    assert tab.incidents.item(0).text().startswith(f"{child}  P4  ")


def test_problems_view_lists_problem_records(window, services, admin, tickets, qtbot) -> None:  # type: ignore[no-untyped-def]
    a = services.problems.open(admin, title="Projector lamps fail", service="Printing", incidents=tuple(tickets[:2]))
    b = services.problems.open(admin, title="Eduroam drops", team="Service Desk")
    window.views.refresh_counts()
    window.views.select("problems")
    assert window.problems_shown() and window.problems.model.rowCount() == 2
    assert "Problems  (2)" in [window.views.list.item(i).text() for i in range(window.views.list.count())]
    m = window.problems.model
    row = {COLUMN_KEYS[c]: m.data(m.index(1, c)) for c in range(m.columnCount())}
    assert row["number"] == a.number and row["incidents"] == "2" and row["status"] == "New"
    assert row["service"] == "Printing"
    window.problems.table.sortByColumn(COLUMN_KEYS.index("number"), Qt.SortOrder.AscendingOrder)
    assert [m.row_at(r).number for r in range(m.rowCount())] == [a.number, b.number]
    window.problems.search.setText("eduroam")
    window.problems.search.returnPressed.emit()
    assert [m.row_at(r).number for r in range(m.rowCount())] == [b.number]
    window.problems.table.setFocus()
    window.problems.table.setCurrentIndex(m.index(0, 0))
    qtbot.keyClick(window.problems.table, Qt.Key.Key_Return)
    assert isinstance(window.tabs.currentWidget(), ProblemDetailPanel)
    assert window.tabs.currentWidget().number == b.number
    window.views.select("all_open")
    assert not window.problems_shown() and window.queue_model.rowCount() == 5


def test_problem_tab_status_rules_links_and_conflicts(window, services, admin, tickets, dialogs, qtbot) -> None:  # type: ignore[no-untyped-def]
    prb = services.problems.open(admin, title="Lab printers offline", service="Printing").number
    tab = window.open_problem(prb)
    assert set(tab.status_buttons) == {"investigating"}              # only the legal move from New
    tab.status_buttons["investigating"].click()
    assert services.problems.get(prb).status == "investigating"
    assert set(tab.status_buttons) == {"known_error", "resolved"}
    tab.status_buttons["known_error"].click()                        # no root cause / workaround yet
    assert tab.error.isVisible() and "root cause and a workaround" in tab.error.text()
    assert services.problems.get(prb).status == "investigating"
    tab.f_root_cause.setPlainText("Print server patch KB123")
    tab.f_workaround.setPlainText("Print through the web portal")
    tab.status_buttons["known_error"].click()
    known = services.problems.get(prb)
    assert known.status == "known_error" and known.workaround == "Print through the web portal"

    dialogs.answers.append(tickets[1])                                # link an incident by number
    tab.link_button.click()
    assert services.incidents.get(tickets[1]).problem_number == prb
    tab.incidents.setCurrentRow(0)
    tab.incidents.setFocus()
    qtbot.keyClick(tab.incidents, Qt.Key.Key_Return)
    assert isinstance(window.tabs.currentWidget(), TicketPage)
    assert window.tabs.currentWidget().number == tickets[1]
    window.open_problem(prb)
    tab.incidents.setCurrentRow(0)
    dialogs.answers.append(True)
    tab.unlink_button.click()
    assert services.incidents.get(tickets[1]).problem_number is None

    # Someone else saves first: both versions are offered; nothing is overwritten.
    current = services.problems.get(prb)
    services.problems.update(admin, prb, current.version, {"title": "Lab printers offline (all floors)"})
    tab.f_title.setText("Library printers offline")
    dialogs.answers.append("theirs")
    tab.save()
    (number, fields), = dialogs.conflicts
    assert number == prb and fields[0][0] == "title" and fields[0][3] == "Lab printers offline (all floors)"
    assert tab.f_title.text() == "Lab printers offline (all floors)" and not tab.is_dirty()


def test_new_problem_from_an_incident_and_known_errors_offered(window, services, admin, dialogs, qtbot) -> None:  # type: ignore[no-untyped-def]
    inc = services.incidents.open(admin, NewIncident(title="Cannot join eduroam", service="Wi-Fi & Network",
                                                     category="Eduroam")).number
    other = services.incidents.open(admin, NewIncident(title="Wi-Fi slow", service="Wi-Fi & Network")).number
    known = factories.problem(services, admin, "Eduroam profile expired", status="known_error",
                              service="Wi-Fi & Network", category="Eduroam",
                              workaround="Remove the eduroam profile and run the installer again").number
    panel = window.open_ticket(inc)
    assert not panel.known.isHidden() and panel.known.list.count() == 1
    assert "run the installer again" in panel.known.list.item(0).text()
    panel.known.list.setFocus()
    qtbot.keyClick(panel.known.list, Qt.Key.Key_Return)             # the one key: link to it
    assert services.incidents.get(inc).problem_number == known
    assert f"problem:{known}" in panel.links.label.text() and "linked" in panel.known.list.item(0).text()
    assert not panel.links.new_problem_button.isEnabled()                    # already has a problem

    wifi = window.open_ticket(other)                                   # same service, no category: matches
    assert wifi.known.list.count() == 1
    dialogs.answers.append("Wi-Fi slow in Davis after AP upgrade")
    wifi.links.new_problem_button.click()
    tab = window.tabs.currentWidget()
    assert isinstance(tab, ProblemDetailPanel)
    created = services.problems.get(tab.number)
    assert created.incident_numbers == (other,) and created.service == "Wi-Fi & Network"
    assert created.title == "Wi-Fi slow in Davis after AP upgrade"
    assert services.incidents.get(other).problem_number == tab.number


def test_problem_model_passes_qtmodeltester(ctx, services, admin, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    from desk.problems.listing import ProblemQuery
    from ui.problems import model as problem_model

    for i in range(5):
        services.problems.open(admin, title=f"Problem {i}")
    problem_model.PAGE, saved = 2, problem_model.PAGE     # several pages for five rows
    try:
        m = problem_model.ProblemTableModel(ctx)
        m.set_query(ProblemQuery(sort="number", descending=False))
        qtmodeltester.check(m)
        while m.canFetchMore():
            m.fetchMore()
        assert [m.row_at(r).number for r in range(m.rowCount())] == [f"PRB-00000{i}" for i in range(1, 6)]
    finally:
        problem_model.PAGE = saved


def test_problem_tab_keeps_typing_when_changed_elsewhere(window, services, admin, tickets) -> None:  # type: ignore[no-untyped-def]
    prb = services.problems.open(admin, title="Eduroam drops").number
    tab = window.open_problem(prb)
    tab.f_workaround.setPlainText("Use eduroam-5G")
    window.refresh()                                   # an unrelated change: nothing to say
    assert tab.banner.isHidden() and tab.f_workaround.toPlainText() == "Use eduroam-5G"
    services.problems.update(admin, prb, services.problems.get(prb).version, {"title": "Eduroam drops (Davis)"})
    tab.on_changed_elsewhere()
    assert not tab.banner.isHidden() and tab.f_workaround.toPlainText() == "Use eduroam-5G"
    tab.f_workaround.clear()
    tab.on_changed_elsewhere()                         # clean form: simply re-read
    assert tab.f_title.text() == "Eduroam drops (Davis)"
