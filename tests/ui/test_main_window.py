"""The real widgets, offscreen: views, sort, search, scan, edit/save, conflicts, status, keyboard."""
from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest

from db.enums import Channel
from desk.actor import Actor
from desk.bootstrap import Services
from desk.queue.spec import QueueFilter, QueueSpec
from tests import factories
from ui import combos
from ui.incidents.page import TicketPage
from ui.queue.model import COLUMN_KEYS, QueueModel

# The offscreen platform says this whenever a top-level window is shown.
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def _numbers(model: QueueModel) -> list[str]:
    return [model.row_data(r).number for r in range(model.rowCount())]  # type: ignore[union-attr]


def test_views_sort_search_and_counts(window, tickets, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.views.select("all_open")
    assert window.queue_model.rowCount() == 5
    assert "All open  (5)" in [window.views.list.item(i).text() for i in range(window.views.list.count())]
    window.queue.sortByColumn(COLUMN_KEYS.index("number"), Qt.SortOrder.DescendingOrder)
    assert _numbers(window.queue_model) == tickets[::-1]
    window.queue.sortByColumn(COLUMN_KEYS.index("priority"), Qt.SortOrder.AscendingOrder)
    assert _numbers(window.queue_model)[0] == tickets[0]  # the only high-impact ticket
    window.views.select("unassigned")
    assert window.queue_model.rowCount() == 5
    window.views.select("my_open")
    assert window.queue_model.rowCount() == 0
    QTest.keyClicks(window.search, "printer")
    QTest.keyClick(window.search, Qt.Key.Key_Return)
    assert _numbers(window.queue_model) == [tickets[1]]
    assert window.area.title.text() == "Search: printer"


def test_scan_opens_ticket_and_keyboard_flow(window, tickets, services: Services, admin: Actor, qtbot) -> None:  # type: ignore[no-untyped-def]
    QTest.keyClick(window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert window.scan.hasFocus() or True  # focus is not reliable offscreen; the scan itself is
    window.scan.setText(tickets[2].split("-")[1].lstrip("0"))  # a scanner types digits + Enter
    QTest.keyClick(window.scan, Qt.Key.Key_Return)
    panel = window.current_panel()
    assert isinstance(panel, TicketPage) and panel.number == tickets[2]
    window.action("assign_to_me").trigger()  # Ctrl+M
    assert services.incidents.get(tickets[2]).assignee_id == admin.staff_id
    panel.timeline.comment_box.setPlainText("Looking at it now")
    window.action("comment").trigger()
    assert panel.timeline.comment_box.toPlainText() == ""
    assert any("Looking at it now" in panel.timeline.list.item(i).text() for i in range(panel.timeline.list.count()))
    # next / previous ticket move through the queue and follow in the detail
    window.views.select("all_open")
    window.queue.setCurrentIndex(window.queue_model.index(0, 0))
    window.action("next_ticket").trigger()
    assert window.current_panel().number == window.queue_model.row_data(1).number


def test_edit_validate_and_save(window, tickets, services: Services, qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = window.open_ticket(tickets[0])
    panel.form.f_title.setText("   ")
    panel.save()
    assert panel.error.isVisible() and "title" in panel.error.text().lower()
    panel.form.f_title.setText("Projector dead in HUM 101 (lamp)")
    panel.form.f_urgency.setCurrentText("High")           # the words; the stored value is "high"
    assert panel.is_dirty()
    panel.save()
    view = services.incidents.get(tickets[0])
    assert view.title == "Projector dead in HUM 101 (lamp)" and view.urgency == "high"
    assert view.priority == "P1"
    assert not panel.is_dirty()
    assert "P1" in panel.priority.text() and "High impact" in panel.priority.text()
    panel.form.f_caller.setText("000-nobody")
    panel.save()
    assert "university ID" in panel.error.text()


def test_conflict_from_second_session_is_merged(window, tickets, services: Services, admin: Actor,  # type: ignore[no-untyped-def]
                                                dialogs, database) -> None:
    from db.engine import Database
    from desk.bootstrap import Services as Bundle

    panel = window.open_ticket(tickets[3])
    other = Database.connect(str(database.engine.url.render_as_string(hide_password=False)))
    try:
        theirs = Bundle.over(other).incidents
        v = theirs.get(tickets[3])
        theirs.update(admin, tickets[3], v.version, {"title": "Password reset loop (SSO)", "urgency": "high"})
    finally:
        other.dispose()
    panel.form.f_title.setText("Password reset loop — MFA")
    panel.form.f_description.setPlainText("Happens after MFA prompt")
    dialogs.answers.append({"title": "Password reset loop — MFA", "description": "Happens after MFA prompt"})
    panel.save()
    number, fields = dialogs.conflicts[-1]
    assert number == tickets[3]
    by_field = {f[0]: f for f in fields}
    assert by_field["title"][2] == "Password reset loop — MFA"
    assert by_field["title"][3] == "Password reset loop (SSO)"
    final = services.incidents.get(tickets[3])
    assert final.title == "Password reset loop — MFA"           # mine, chosen in the merge
    assert final.description == "Happens after MFA prompt"
    assert final.urgency == "high"                               # theirs, untouched by me
    # Cancelling a conflict keeps the typing in the form.
    other = Database.connect(str(database.engine.url.render_as_string(hide_password=False)))
    try:
        theirs = Bundle.over(other).incidents
        theirs.update(admin, tickets[3], final.version, {"title": "Changed again"})
    finally:
        other.dispose()
    panel.form.f_title.setText("My unsaved title")
    dialogs.answers.append(None)
    panel.save()
    assert panel.form.f_title.text() == "My unsaved title"
    assert "nothing was overwritten" in panel.error.text()


def test_status_buttons_are_the_legal_transitions(window, tickets, services: Services, dialogs) -> None:  # type: ignore[no-untyped-def]
    panel = window.open_ticket(tickets[4])
    assert set(panel.status_buttons) == {"assigned", "in_progress", "cancelled"}
    assert any(r.startswith("Resolved: Not reachable from New") for r in panel.blocked_reasons)
    panel.status_buttons["in_progress"].click()
    assert services.incidents.get(tickets[4]).status == "in_progress"
    assert "resolved" in panel.status_buttons
    # Resolving opens a panel on the page; the service refuses an empty note there, and
    # the code already chosen stays chosen.
    panel.status_buttons["resolved"].click()
    move = panel.move_panel
    assert move.isVisible() and move.code.isVisible() and move.note.isVisible() and not move.reason.isVisible()
    combos.select(move.code, "user_education")
    assert move.code.currentText() == "User education"          # the words; the value is stored
    move.confirm.click()
    assert services.incidents.get(tickets[4]).status == "in_progress"
    assert "resolution note" in move.error.text().lower() and move.isVisible()
    assert combos.value(move.code) == "user_education"            # nothing typed is lost
    move.note.setPlainText("Showed how to clear the browser cache")
    move.confirm.click()
    view = services.incidents.get(tickets[4])
    assert (view.status, view.resolution_code) == ("resolved", "user_education")
    assert view.resolution_note == "Showed how to clear the browser cache" and not move.isVisible()


def test_saved_view_follows_the_account(window, ctx, dialogs) -> None:  # type: ignore[no-untyped-def]
    window.views.select("all_open")
    window.queue.sortByColumn(COLUMN_KEYS.index("updated"), Qt.SortOrder.DescendingOrder)
    dialogs.answers.append("Fresh first")
    window.save_view_as()
    saved = ctx.saved_views.list(ctx.actor)
    assert [v.name for v in saved] == ["Fresh first"]
    assert saved[0].spec.sort == "updated" and saved[0].spec.descending
    assert window.views.current_entry().name == "Fresh first"
    assert window.queue_model.rowCount() == 5


def test_register_tool_extension_point(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QAction

    hits = []
    action = QAction("Intake…")
    action.triggered.connect(lambda: hits.append(1))
    window.register_tool("&Counter", action)
    assert action in window.menu("&Counter").actions()
    action.trigger()
    assert hits == [1]
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles.index("Counter") < titles.index("&Help")
    assert action not in window.toolbar.actions()       # the menu only, unless asked
    button = QAction("Walk-in")
    window.register_tool("&Counter", button, toolbar=True)
    assert window.toolbar.actions()[-1] is button and button in window.menu("&Counter").actions()


def _toolbar_actions(window):  # type: ignore[no-untyped-def]
    return [a for a in window.toolbar.actions() if not a.isSeparator()]


def test_toolbar_comes_from_the_action_table_and_the_features(window) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QToolButton

    from ui.actions import ACTIONS
    from ui.features import install_features

    own = [window.action(spec.key) for spec in ACTIONS if spec.toolbar]
    assert own and _toolbar_actions(window) == own
    install_features(window, window.ctx)   # admin: counter, major board and dashboard join in
    features = {a.text() for a in _toolbar_actions(window)[len(own):]}   # in the installers' order
    assert features == {"New &walk-in repair…", "Major incidents &board", "Supervisor &dashboard"}
    assert window.toolbar.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextUnderIcon
    for action in _toolbar_actions(window):
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        assert not action.icon().isNull() and not action.icon().pixmap(22, 22).isNull(), action.text()
        assert action.iconText() and "&" not in action.iconText(), action.text()
        assert keys and f"({keys})" in action.toolTip(), (action.text(), action.toolTip())
        button = window.toolbar.widgetForAction(action)
        assert isinstance(button, QToolButton) and button.text() == action.iconText()
    # The menus carry the same icons: every action of the table has one.
    assert [spec.key for spec in ACTIONS if window.action(spec.key).icon().isNull()] == []
    # Each button is also in a menu, so the shortcut list (F1, built from the menus) names it.
    in_menus = {a for top in window.menuBar().actions() for a in top.menu().actions()}
    assert [a.text() for a in _toolbar_actions(window) if a not in in_menus] == []
    window.action("shortcuts").trigger()
    _title, listed = window.ctx.dialogs.shown[-1]
    for action in _toolbar_actions(window):
        assert f"{action.shortcut().toString():<18} {action.text().replace('&', '')}" in listed


def test_attachments_and_task_checklist(window, tickets, services: Services, admin: Actor, ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QColor, QImage

    image = tmp_path / "screen-crack.png"
    img = QImage(40, 30, QImage.Format.Format_RGB32)
    img.fill(QColor("red"))
    img.save(str(image))
    panel = window.open_ticket(tickets[0])
    panel.attach_file(str(image))
    assert panel.attachments.list.count() == 1 and "screen-crack.png" in panel.attachments.list.item(0).text()
    panel.attachments.list.setCurrentRow(0)
    assert panel.attachments.preview.pixmap() is not None and not panel.attachments.preview.pixmap().isNull()
    name, ctype, data = ctx.details.attachment_data(panel.attachments.list.item(0).data(Qt.ItemDataRole.UserRole))
    assert (name, ctype, data) == ("screen-crack.png", "image/png", image.read_bytes())
    # A ticket from an incident model carries its checklist; ticking it is recorded.
    from desk.incidents.service import NewIncident

    number = services.incidents.open(admin, NewIncident(title="Laptop hinge", tasks=(("Intake check", None),
                                                                                  ("Back up data", "if consented")))).number
    panel = window.open_ticket(number)
    assert panel.tasks.list.count() == 2 and "(if consented)" in panel.tasks.list.item(1).text()
    panel.tasks.list.item(0).setCheckState(Qt.CheckState.Checked)
    detail = ctx.details.load(number)
    assert detail.tasks[0].done and not detail.tasks[1].done
    assert any(a.field == "task 1 done" for a in detail.audit)


def test_new_incident_from_the_keyboard(window, services: Services, qtbot) -> None:  # type: ignore[no-untyped-def]
    from ui.incidents.new_incident import NewIncidentDialog

    window.action("new_incident").trigger()  # Ctrl+N
    dialog = window.findChild(NewIncidentDialog)
    assert dialog is not None and dialog.service.count() > 1
    dialog.submit()  # no title yet: the rule's message beside the title, nothing created
    assert dialog.errors.labels["title"].text() == "Title is required." and not dialog.error.text()
    assert not dialog.errors.labels["title"].isHidden() and dialog.errors.labels["impact"].isHidden()
    QTest.keyClicks(dialog.title, "Smartboard frozen in ENG 204")
    # The core's defaults, in words; the raw values ride along as item data.
    assert (dialog.impact.currentText(), dialog.urgency.currentText(), dialog.channel.currentText()) == (
        "Low", "Medium", "Phone")
    assert [dialog.channel.itemData(i) for i in range(dialog.channel.count())] == [c.value for c in Channel]
    assert dialog.channel.itemText(0) == "Walk-in"
    dialog.impact.setCurrentText("Medium")
    dialog.urgency.setCurrentText("High")
    assert (dialog.impact.currentData(), dialog.urgency.currentData()) == ("medium", "high")
    dialog.submit()
    panel = window.current_panel()
    assert panel is not None and panel.detail.incident.title == "Smartboard frozen in ENG 204"
    assert panel.detail.incident.priority == "P2"


def test_triage_and_resolve_without_the_mouse(window, tickets, services: Services, admin: Actor, dialogs) -> None:  # type: ignore[no-untyped-def]
    window.views.select("unassigned")
    window.queue.setFocus()
    window.action("next_ticket").trigger()                      # Ctrl+J: first ticket
    window.action("open_selected").trigger()                      # Ctrl+O
    panel = window.current_panel()
    number = panel.number
    window.action("assign_to_me").trigger()                 # Ctrl+M
    dialogs.answers += ["In progress"]
    window.action("change_status").trigger()                    # Ctrl+T
    assert services.incidents.get(number).status == "in_progress"
    dialogs.answers += ["Resolved"]
    window.action("change_status").trigger()                    # the resolve panel, focus in it
    combos.select(panel.move_panel.code, "workaround")
    panel.move_panel.note.setPlainText("Reseated the cable; user confirmed")
    panel.move_panel.confirm.click()
    view = services.incidents.get(number)
    assert (view.status, view.resolution_code, view.assignee_id) == ("resolved", "workaround", admin.staff_id)
    assert "Resolved" in panel.header.text()
    # Every menu action can be reached from the keyboard.
    missing = [a.text() for m in (window.menu("&Tickets"), window.menu("&View")) for a in m.actions()
               if not a.isSeparator() and not a.shortcut().toString()]
    assert missing == []


def test_no_two_actions_share_a_shortcut(window) -> None:  # type: ignore[no-untyped-def]
    from ui.features import install_features

    install_features(window, window.ctx)  # the counter's and reports' actions too
    keys = [a.shortcut().toString() for a in window.actions() if a.shortcut().toString()]
    assert sorted(k for k in set(keys) if keys.count(k) > 1) == []


def test_tickets_open_as_full_pages_and_the_queue_is_one_keystroke_away(window, tickets, qtbot) -> None:  # type: ignore[no-untyped-def]
    """A ticket takes the queue's place, full width; Ctrl+2 brings the queue back, Ctrl+3
    the ticket; with nothing open the queue has the whole width."""
    window.resize(1600, 900)
    assert window.tabs.count() == 0 and window.tabs.isHidden() and not window.centre.isHidden()
    page = window.open_ticket(tickets[0])
    assert not window.tabs.isHidden() and window.centre.isHidden()
    qtbot.waitUntil(lambda: window.splitter.sizes()[2] > 1000)        # the page has the width
    window.action("go_queue").trigger()                                 # Ctrl+2
    assert window.tabs.isHidden() and not window.centre.isHidden()
    window.action("go_ticket").trigger()                                # Ctrl+3
    assert window.tabs.currentWidget() is page and not window.tabs.isHidden()
    window.close_tab(0)
    assert window.tabs.count() == 0 and window.tabs.isHidden() and not window.centre.isHidden()


def test_tickets_beside_the_queue_when_the_user_splits(window, tickets, qtbot, ctx) -> None:  # type: ignore[no-untyped-def]
    from ui import settings as S

    window.resize(1600, 900)
    window.action("split_view").trigger()                               # Ctrl+\\
    assert window.action("split_view").isChecked() and ctx.settings.get(S.SPLIT_VIEW)
    window.open_ticket(tickets[0])
    assert not window.tabs.isHidden() and not window.centre.isHidden()
    qtbot.waitUntil(lambda: window.splitter.sizes()[2] > 300 and window.splitter.sizes()[1] > 300)
    window.close_tab(0)
    assert window.tabs.isHidden() and not window.centre.isHidden()


def test_a_save_here_reaches_the_queue_and_the_dashboard_without_a_watcher(window, tickets, ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    """There is no live-update watcher in this window: the change hub carries the write
    to the queue (and to anything else subscribed) at once."""
    heard = []
    ctx.changes.changed.connect(heard.append)
    model = window.queue_model
    panel = window.open_ticket(tickets[1])
    row = model.row_of(panel.incident_id)
    assert row is not None
    panel.form.f_title.setText("Printer jam in library (tray 2)")
    panel.save()
    assert heard and heard[-1].ids and heard[-1].ids[0][0] == panel.incident_id
    title_col = COLUMN_KEYS.index("title")
    qtbot.waitUntil(lambda: model.data(model.index(row, title_col)) == "Printer jam in library (tray 2)", timeout=2000)


def test_queue_times_are_on_the_desks_clock(ctx, tickets, services: Services) -> None:  # type: ignore[no-untyped-def]
    """A desk whose calendar is in another zone shows the queue's dates in that zone."""
    import dataclasses

    from tests import factories

    factories.move_desk_to(services.db, "Asia/Tokyo")
    ctx = dataclasses.replace(ctx, site=Services.over(services.db).site)   # the desk as it starts now
    model = QueueModel(ctx)
    model.set_spec(QueueSpec(QueueFilter(open_only=True), "number"))
    opened = services.incidents.get(tickets[0]).opened_at
    tokyo = opened.astimezone(ZoneInfo("Asia/Tokyo"))
    assert model.data(model.index(0, COLUMN_KEYS.index("opened"))) == f"{tokyo:%Y-%m-%d %H:%M}"
    assert model.data(model.index(0, COLUMN_KEYS.index("status"))) == "New"
    # The SLA tooltip names the due time on the same clock (tickets[1] has an SLA).
    inc = services.incidents.get(tickets[1])
    due = inc.resolution_due_at if inc.response_due_at is None else inc.response_due_at
    assert due is not None
    tip = model.data(model.index(1, COLUMN_KEYS.index("sla")), Qt.ItemDataRole.ToolTipRole)
    assert f"{due.astimezone(ZoneInfo('Asia/Tokyo')):%a %d %b %H:%M}" in tip


def test_the_reply_box_is_in_sight_after_the_comment_shortcut(window, tickets, services, admin, qtbot) -> None:  # type: ignore[no-untyped-def]
    """The conversation is the page's main column and its reply box sits below it, so
    Ctrl+Shift+C lands in a box the user can see, however long the ticket's story is."""
    from PySide6.QtCore import QPoint

    for n in range(25):                                   # a long story
        services.incidents.comment(admin, tickets[0], f"Update {n}: still looking\n" * 3, internal=bool(n % 2))
    window.resize(1280, 800)
    panel = window.open_ticket(tickets[0])
    window.action("comment").trigger()
    box = panel.timeline.comment_box
    qtbot.waitUntil(lambda: box.isVisible() and box.height() > 0)
    viewport = panel.viewport()
    top = box.mapTo(viewport, QPoint(0, 0)).y()
    assert top >= 0 and top + box.height() <= viewport.height(), (top, box.height(), viewport.height())
    assert panel.verticalScrollBar().value() == 0          # nothing had to scroll to get there


def test_the_problems_list_catches_up_when_it_comes_back_to_the_front(window, services, admin, qtbot) -> None:  # type: ignore[no-untyped-def]
    from desk.live.watcher import PROBLEM, Change

    lamps = services.problems.open(admin, title="Projector lamps fail")
    window.views.select("problems")
    qtbot.waitUntil(lambda: bool(window.problems.model.rows))
    window.open_problem(lamps.number)                       # a full page: the list is hidden
    assert window.problems.isHidden() or not window.problems.isVisible()
    changed = services.problems.update(admin, lamps.number, lamps.version, {"title": "Projector lamps fail in HUM"})
    window.ctx.changes.publish(Change(ids=((changed.id, changed.version),), kind=PROBLEM))
    window.action("go_queue").trigger()                      # Ctrl+2: the list is back
    qtbot.waitUntil(lambda: window.problems.model.rows[0].title == "Projector lamps fail in HUM")


def test_after_a_search_or_a_scan_the_views_and_the_search_box_say_what_is_shown(window, tickets, services, admin, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.views.select("all_open")
    QTest.keyClicks(window.search, "printer")
    QTest.keyClick(window.search, Qt.Key.Key_Return)
    assert window.views.current_key() is None                 # no view pretends to be the search
    window.search.clear()                                      # back to the view
    assert window.views.current_key() == "all_open" and window.queue_model.rowCount() == 5


def test_the_status_bar_count_follows_live_changes(window, tickets, services, admin, qtbot) -> None:  # type: ignore[no-untyped-def]
    from desk.live.watcher import Change

    window.views.select("all_open")
    qtbot.waitUntil(lambda: window.status_rows.text() == "5 tickets")
    v = factories.incident(services, admin, "Scanner offline in the library")
    window.ctx.changes.publish(Change(ids=((v.id, v.version),)))     # heard from another workstation
    qtbot.waitUntil(lambda: window.status_rows.text() == "6 tickets")


def test_feature_pages_are_in_the_navigation(window) -> None:  # type: ignore[no-untyped-def]
    """The major-incident board and the dashboard are pages: chosen in the navigation,
    they take the main area like a ticket does."""
    from ui.counter.loaner_pool import LoanerPoolWindow
    from ui.features import install_features
    from ui.major.board import MajorBoard
    from ui.queue.views_panel import PAGE_PREFIX
    from ui.reports.dashboard import SupervisorDashboard

    install_features(window, window.ctx)
    listed = {window.views.list.item(i).data(Qt.ItemDataRole.UserRole + 1): window.views.list.item(i).text()
              for i in range(window.views.list.count())}
    assert listed.get(PAGE_PREFIX + "major_board") == "Major incidents board"
    assert listed.get(PAGE_PREFIX + "dashboard") == "Supervisor dashboard"
    assert listed.get(PAGE_PREFIX + "loaner_pool") == "Loaner pool"
    window.views.select(PAGE_PREFIX + "major_board")
    assert isinstance(window.tabs.currentWidget(), MajorBoard) and window.centre.isHidden()
    window.views.select(PAGE_PREFIX + "dashboard")
    assert isinstance(window.tabs.currentWidget(), SupervisorDashboard)
    window.views.select(PAGE_PREFIX + "loaner_pool")
    assert isinstance(window.tabs.currentWidget(), LoanerPoolWindow)
    window.views.select(PAGE_PREFIX + "major_board")        # each page once: the board again
    assert isinstance(window.tabs.currentWidget(), MajorBoard) and window.tabs.count() == 3
    window.views.select("all_open")                       # back to a queue view
    assert not window.centre.isHidden() and window.tabs.isHidden()


def test_the_ticket_header_shows_both_sla_clocks(window, tickets) -> None:  # type: ignore[no-untyped-def]
    page = window.open_ticket(tickets[1])                 # on the Printing service: it has targets
    text = page.clocks.text()
    assert "Response:" in text and "Resolution:" in text and "due " in text
    assert not page.clocks.isHidden()


def test_a_new_problem_from_the_problems_list_opens_as_a_page(window, services, dialogs, qtbot) -> None:  # type: ignore[no-untyped-def]
    from ui.problems.detail import ProblemDetailPanel

    window.views.select("problems")
    dialogs.answers.append("Printers drop off the network")
    window.problems.new_button.click()
    tab = window.tabs.currentWidget()
    assert isinstance(tab, ProblemDetailPanel) and not window.tabs.isHidden()
    assert services.problems.get(tab.number).title == "Printers drop off the network"


def test_start_up_with_worker_threads_restores_the_last_view_and_keeps_a_page_chosen_meanwhile(
        qtbot, services: Services, admin: Actor, tickets, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ui import settings as S
    from ui.context import build_context
    from ui.dialogs import ScriptedDialogs
    from ui.features import install_features
    from ui.main_window import MainWindow
    from ui.settings import Settings
    from ui.tasks import TaskRunner

    def started(last_view: str) -> tuple[MainWindow, TaskRunner]:
        runner = TaskRunner()        # the real one: the views are read on a worker, as in the app
        settings = Settings(tmp_path / f"{last_view}.ini")
        settings.set(S.LAST_VIEW, last_view)
        ctx = build_context(services, admin, runner, settings, ScriptedDialogs(), services.db.description,
                            services.site)
        w = MainWindow(ctx)
        qtbot.addWidget(w)
        install_features(w, ctx)
        w.show()
        return w, runner

    # Real worker threads on a machine the other test process shares: generous waits.
    w, runner = started("unassigned")
    qtbot.waitUntil(lambda: w.views.current_key() == "unassigned" and w.queue_model.rowCount() > 0,
                    timeout=20_000)
    assert runner.wait(10_000)

    w, runner = started("all_open")
    w.views.page_chosen.emit("dashboard")            # clicked before the views were read
    assert runner.wait(10_000)
    qtbot.waitUntil(lambda: w.queue_model.rowCount() == len(tickets), timeout=20_000)   # the queue got its view...
    assert w.tabs.isVisible() and w.tabs.currentWidget().accessibleName() != "Open tickets"
    assert w.views.current_key() == "page:dashboard"                   # ...and the page stayed in front
    assert runner.wait(10_000)


@pytest.mark.parametrize("split", [False, True])
def test_a_page_clicked_in_the_navigation_gives_the_highlight_back_to_the_queues_view(window, split: bool) -> None:  # type: ignore[no-untyped-def]
    # Clicked, the page is the list's current item before it comes forward: the view the
    # queue shows must be remembered when it is chosen, not when the page is highlighted.
    from ui.features import install_features

    install_features(window, window.ctx)
    window.set_split_view(split)
    window.views.select("all_open")                      # clicked, as the user does
    window.views.select("page:counter")
    assert window.views.current_key() == ("all_open" if split else "page:counter")
    window.tabs.close_tab(window.tabs.currentIndex())    # the last tab: the queue is all there is
    assert window.tabs.count() == 0
    assert window.views.current_key() == "all_open"


def test_leaving_split_view_with_a_page_beside_the_queue_highlights_the_page(window) -> None:  # type: ignore[no-untyped-def]
    from ui.features import install_features

    install_features(window, window.ctx)
    window.set_split_view(True)
    window.views.page_chosen.emit("counter")
    assert window.views.current_key() == "my_open"       # split: the queue is there too
    window.set_split_view(False)                         # the page now fills the main area
    assert window.views.current_key() == "page:counter"
    window.set_split_view(True)
    assert window.views.current_key() == "my_open"


def test_show_in_queue_selects_the_tickets_row_or_says_it_is_not_there(window, tickets, services: Services,  # type: ignore[no-untyped-def]
                                                                      admin, qtbot) -> None:
    window.views.select("all_open")
    model = window.queue_model
    panel = window.open_ticket(tickets[3])
    window.actions_by_key["show_in_queue"].trigger()
    row = model.row_of(panel.incident_id)
    assert row is not None and window.area.queue.currentIndex().row() == row
    assert f"{tickets[3]}: row {row + 1} of 5" in window.statusBar().currentMessage()
    services.incidents.transition(admin, tickets[3], "cancelled", reason="Duplicate")
    window.refresh()
    assert model.row_of(panel.incident_id) is None
    window.show_in_queue(tickets[3])
    assert window.statusBar().currentMessage() == f"{tickets[3]} is not in “All open”."


def test_the_problems_list_is_made_and_read_when_first_shown(window, services, admin, qtbot) -> None:  # type: ignore[no-untyped-def]
    services.problems.open(admin, title="Lecture capture drops audio")
    assert window._problems is None and not window.problems_shown()   # not in the attach turn
    window.views.select("problems")
    assert window.problems_shown() and window.centre.currentWidget() is window.problems
    qtbot.waitUntil(lambda: any(r.title == "Lecture capture drops audio" for r in window.problems.model.rows))
    made = window.problems
    window.views.select("all_open")
    window.views.select("problems")
    assert window.problems is made                                    # made once
