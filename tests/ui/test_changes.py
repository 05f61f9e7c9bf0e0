"""The change hub and the operations that publish to it: one change per write, heard at
once, the watcher's echo of it dropped, and the tab that wrote re-reading once."""
from __future__ import annotations

import pytest
import shiboken6

from desk.live.watcher import INCIDENT, PROBLEM, Change
from ui.actions import ACTIONS
from ui.changes import ChangeHub
from ui.incidents import operations as ops
from ui.tasks import Task, _call

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def test_the_hub_drops_a_change_it_has_already_published(qapp) -> None:  # type: ignore[no-untyped-def]
    hub = ChangeHub()
    heard: list[Change] = []
    hub.changed.connect(heard.append)
    hub.publish(Change(ids=((7, 3),)))
    hub.publish(Change(ids=((7, 3),)))                  # the watcher's echo of our own write
    hub.publish(Change(ids=((7, 2),)))                  # an older version arriving late
    hub.publish(Change(ids=((7, 3),), kind=PROBLEM))    # problem 7 is another record
    hub.publish(Change(ids=((7, 4), (8, 1))))           # a newer version, and another ticket
    hub.publish(Change(ids=((7, 4), (9, 1))))           # only ticket 9 is news
    hub.publish(Change(ids=((7, -1),)))                 # version unknown: always re-read
    hub.publish(Change(refresh=True))                   # "re-read everything" is never dropped
    assert [(c.kind, c.ids, c.refresh) for c in heard] == [
        (INCIDENT, ((7, 3),), False), (PROBLEM, ((7, 3),), False), (INCIDENT, ((7, 4), (8, 1)), False),
        (INCIDENT, ((9, 1),), False), (INCIDENT, ((7, -1),), False), (INCIDENT, (), True)]


def test_an_operation_publishes_its_change_before_the_callers_done(ctx, tickets, qtbot) -> None:  # type: ignore[no-untyped-def]
    order: list[str] = []
    ctx.changes.changed.connect(lambda change: order.append(f"change {change.ids}"))
    view = ctx.services.incidents.get(tickets[0])
    done: list[object] = []
    ops.assign_to_me(ctx, tickets[0], base_version=view.version).run(
        qtbot, done=lambda v: (order.append("done"), done.append(v)), failed=pytest.fail)
    assert done and order == [f"change {((view.id, view.version + 1),)}", "done"]


def test_an_operation_that_fails_publishes_nothing(ctx, tickets, qtbot) -> None:  # type: ignore[no-untyped-def]
    heard: list[Change] = []
    ctx.changes.changed.connect(heard.append)
    errors: list[BaseException] = []
    ops.comment(ctx, tickets[0], "   ", internal=False).run(qtbot, done=pytest.fail, failed=errors.append)
    assert errors and "comment" in str(errors[0]).lower() and heard == []


def test_a_write_here_is_read_back_once_by_its_tab_and_once_by_the_queue(window, tickets, ctx, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window.views.select("all_open")
    page = window.open_ticket(tickets[1])
    loads: list[str] = []
    real_load = ctx.details.load
    monkeypatch.setattr(ctx.details, "load", lambda number, actor=None: (loads.append(number),
                                                                          real_load(number, actor))[1])
    row_reads: list[list[int]] = []
    real_rows = ctx.queue.live_rows
    monkeypatch.setattr(ctx.queue, "live_rows", lambda spec, actor, ids: (row_reads.append(list(ids)),
                                                                          real_rows(spec, actor, ids))[1])

    page.timeline.comment_box.setPlainText("On my way to the library")
    page.comment()
    assert loads == [tickets[1]]                       # the tab re-read once, not once more for its own change
    assert row_reads == [[page.incident_id]]           # the queue re-read just that row
    # A moment later the watcher sees the same write in the database: nobody re-reads.
    ctx.changes.publish(Change(ids=((page.incident_id, page.detail.incident.version),)))
    assert loads == [tickets[1]] and row_reads == [[page.incident_id]]


def test_every_declared_action_is_in_a_menu_with_its_shortcut(window) -> None:  # type: ignore[no-untyped-def]
    for spec in ACTIONS:
        action = window.action(spec.key)
        assert action in window.menu(spec.menu).actions()
        if spec.shortcut is not None:
            assert not action.shortcut().isEmpty(), spec.key


def test_every_standard_shortcut_has_a_binding_where_the_platform_has_none() -> None:
    from PySide6.QtGui import QKeySequence

    from ui.actions import STANDARD_FALLBACK

    standard = {s.shortcut for s in ACTIONS if isinstance(s.shortcut, QKeySequence.StandardKey)}
    assert standard and standard <= set(STANDARD_FALLBACK)


def test_a_repair_taken_in_at_the_counter_reaches_the_queue_at_once(window, ctx, services, qtbot) -> None:  # type: ignore[no-untyped-def]
    """No watcher runs here: the counter's intake operation tells the hub itself."""
    from tests import factories
    from ui.counter import operations as counter_ops
    from ui.counter.context import CounterContext

    window.views.select("walk_in")
    qtbot.waitUntil(lambda: window.queue_model.rowCount() == 0)
    uid = factories.person(services.db, given="Grace", family="Hopper")
    results: list[object] = []
    counter_ops.intake(CounterContext.from_desk(ctx), factories.intake_request(uid)).run(
        qtbot, done=results.append, failed=pytest.fail)
    assert results
    qtbot.waitUntil(lambda: window.queue_model.rowCount() == 1)
    assert window.queue_model.row_data(0).number == results[0].number  # type: ignore[attr-defined]


# -- found in review: changes lost, misnamed or read twice ------------------------------

class Deferred:
    """The write runs at once (as on the write thread); its answer is delivered on flush()."""

    def __init__(self, real):  # type: ignore[no-untyped-def]
        self.real, self.pending = real, []

    @property
    def inline(self) -> bool:    # reads answer as the real runner's do
        return bool(self.real.inline)

    def read(self, *a, **k):  # type: ignore[no-untyped-def]
        return self.real.read(*a, **k)

    def read_with_progress(self, *a, **k):  # type: ignore[no-untyped-def]
        return self.real.read_with_progress(*a, **k)

    def write(self, fn, on_done=None, on_error=None, owner=None):  # type: ignore[no-untyped-def]
        task = Task(on_done, on_error, owner)
        try:
            res, exc = _call(task, fn)
        except Exception as e:  # noqa: BLE001
            res, exc = None, e
        self.pending.append((task, res, exc))
        return task

    def flush(self) -> None:
        while self.pending:
            t, r, e = self.pending.pop(0)
            t._settle(r, e)


def _count_loads(ctx, monkeypatch):  # type: ignore[no-untyped-def]
    loads: list[str] = []
    real = ctx.details.load
    monkeypatch.setattr(ctx.details, "load", lambda n, a=None: (loads.append(n), real(n, a))[1])
    return loads


def test_a_change_from_elsewhere_during_a_write_that_fails_is_taken_afterwards(window, ctx, services, admin, tickets) -> None:  # type: ignore[no-untyped-def]
    page = window.open_ticket(tickets[1])
    v0 = page.detail.incident.version
    real = ctx.runner
    ctx.runner = Deferred(real)
    page.assign(team="No such team")                      # fails on the write thread
    other = services.incidents.update(admin, tickets[1], v0, {"title": "Changed on workstation B"})
    ctx.changes.publish(Change(ids=((other.id, other.version),)))   # the watcher hears B's write
    ctx.runner.flush()                                      # our failure arrives
    ctx.runner = real
    assert page.error.isVisible()
    # B's change was heard while our write was under way; once ours failed, the tab takes it
    assert page.detail.incident.version == other.version, (page.detail.incident.version, other.version)


def test_a_tab_closed_before_its_save_is_answered_still_tells_the_window(window, ctx, services, tickets, qtbot, dialogs) -> None:  # type: ignore[no-untyped-def]
    window.views.select("all_open")
    page = window.open_ticket(tickets[1])
    heard: list[Change] = []
    ctx.changes.changed.connect(heard.append)
    real = ctx.runner
    ctx.runner = Deferred(real)
    page.form.f_title.setText("Printer jam, 2nd floor")
    page.save()                                             # stored, answer not yet delivered
    dialogs.answers.append("discard")                       # "Save, Discard, Cancel?" (they are being saved)
    window.tabs.close_tab(window.tabs.indexOf(page))        # Ctrl+W
    qtbot.waitUntil(lambda: not shiboken6.isValid(page))
    ctx.runner.flush()
    ctx.runner = real
    assert services.incidents.get(tickets[1]).title == "Printer jam, 2nd floor"   # the write is stored
    assert heard, "nobody (queue, counts, other tabs) was told"


def test_a_counter_intake_names_its_incident(window, ctx, services, qtbot) -> None:  # type: ignore[no-untyped-def]
    from tests import factories
    from ui.counter import operations as counter_ops
    from ui.counter.context import CounterContext

    heard: list[Change] = []
    ctx.changes.changed.connect(heard.append)
    uid = factories.person(services.db, given="Grace", family="Hopper")
    results: list[object] = []
    counter_ops.intake(CounterContext.from_desk(ctx), factories.intake_request(uid)).run(
        qtbot, done=results.append, failed=pytest.fail)
    inc_id = services.incidents.get(results[0].number).id  # type: ignore[attr-defined]
    assert heard[-1].kind == INCIDENT
    assert [i for i, _v in heard[-1].ids] == [inc_id], (heard[-1].ids, inc_id, results[0].repair.id)  # type: ignore[attr-defined]


def test_a_new_problem_from_a_ticket_tells_both_and_reads_the_ticket_once(window, ctx, tickets, dialogs, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    page = window.open_ticket(tickets[2])
    loads = _count_loads(ctx, monkeypatch)
    heard: list[Change] = []
    ctx.changes.changed.connect(heard.append)
    dialogs.answers.append("Eduroam flaps")
    page.new_problem()
    assert [c.kind for c in heard] == [PROBLEM, INCIDENT]  # the problem is new; the incident now links to it
    assert loads == [tickets[2]], loads


def test_linking_from_a_problem_tab_tells_the_queue(window, ctx, services, admin, tickets, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window.views.select("all_open")
    p = services.problems.open(admin, title="Printers").number
    ptab = window.open_problem(p)
    row_reads: list[list[int]] = []
    real_rows = ctx.queue.live_rows
    monkeypatch.setattr(ctx.queue, "live_rows", lambda spec, actor, ids: (row_reads.append(list(ids)),
                                                                          real_rows(spec, actor, ids))[1])
    v_before = services.incidents.get(tickets[3]).version
    ptab.link_incident(tickets[3])
    assert services.incidents.get(tickets[3]).version > v_before   # the incident row changed
    assert row_reads, "the queue never re-read the linked incident (no INCIDENT change)"


def test_a_repair_checklist_tick_reads_the_ticket_once(window, ctx, services, admin, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tests import factories

    number = factories.repair(services.db, services.counter, admin).number
    page = window.open_ticket(number)
    loads = _count_loads(ctx, monkeypatch)
    box = page.tasks.repair_checklist.boxes[0]
    box.setChecked(not box.isChecked())
    assert loads == [number], loads


def test_an_attachment_is_read_back_once_by_the_queue(window, ctx, tickets, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window.views.select("all_open")
    page = window.open_ticket(tickets[0])
    row_reads: list[list[int]] = []
    real_rows = ctx.queue.live_rows
    monkeypatch.setattr(ctx.queue, "live_rows", lambda spec, actor, ids: (row_reads.append(list(ids)),
                                                                          real_rows(spec, actor, ids))[1])
    f = tmp_path / "note.txt"
    f.write_text("hello")
    page.attach_file(str(f))
    ctx.changes.publish(Change(ids=((page.incident_id, page.detail.incident.version),)))  # the watcher's echo
    assert len(row_reads) == 1, row_reads
