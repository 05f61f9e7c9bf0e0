"""Live changes in the queue model: each is one bounded read (no count of the whole view),
the rows end up as the database has them, and "refresh" (after a reconnect) re-reads."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from db.engine import Database
from desk.actor import Actor
from desk.bootstrap import Services
from desk.incidents.service import NewIncident
from desk.live.watcher import Change
from desk.queue.spec import QueueFilter, QueueSpec, builtin
from ui.live import BURST_MS, LiveBridge
from ui.queue.model import QueueModel


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def before(_conn, _cursor, statement, _params, _context, _many) -> None:
        seen.append(" ".join(statement.lower().split()))

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def _shown(model: QueueModel) -> list[tuple[int, int]]:
    return [(r.id, r.version) for r in (model.row_data(i) for i in range(model.rowCount())) if r is not None]


def _fresh(services: Services, admin: Actor, spec: QueueSpec) -> list[tuple[int, int]]:
    return [(r.id, r.version) for r in services.queue.first_page(spec, admin, 500)]


def test_a_change_is_one_read_without_counting_the_view(ctx, tickets, services: Services, admin: Actor,
                                                        clock) -> None:
    spec = builtin("all_open").spec
    model = QueueModel(ctx)
    model.set_spec(spec)
    applied: list[dict[int, int]] = []
    model.changes_applied.connect(applied.append)
    clock.advance(minutes=1)
    edited = services.incidents.comment(admin, tickets[2], "On it")
    new = services.incidents.open(admin, NewIncident(title="Scanner offline", impact="high", urgency="high"))
    gone = services.incidents.transition(admin, tickets[0], "cancelled", reason="Duplicate")
    with statements(services.db) as seen:
        ctx.changes.publish(Change(ids=((edited.id, edited.version), (new.id, new.version),
                                        (gone.id, gone.version))))
    assert applied == [{edited.id: edited.version, new.id: new.version, gone.id: gone.version}]
    # One statement for the rows (and their membership); the SLA cells' own read may follow.
    assert not [s for s in seen if "count(" in s and "from incidents" in s], seen
    assert len([s for s in seen if "in_view" in s]) == 1, seen
    assert _shown(model) == _fresh(services, admin, spec)
    assert model.rowCount() == services.queue.count(spec, admin)


def test_a_burst_of_changes_leaves_every_row_as_the_database_has_it(ctx, tickets, services: Services,
                                                                    admin: Actor, clock) -> None:
    for spec in (builtin("all_open").spec, QueueSpec(QueueFilter(), "updated", True),
                 QueueSpec(QueueFilter(open_only=True), "priority", True)):
        model = QueueModel(ctx)
        model.set_spec(spec)
        changes: list[tuple[int, int]] = []
        for i in range(12):
            clock.advance(seconds=30)
            if i % 4 == 0:
                v = services.incidents.open(admin, NewIncident(title=f"Burst {i}", impact="medium",
                                                               urgency=("low", "high")[i % 2]))
            elif i % 4 == 1:
                v = services.incidents.update(admin, tickets[i % 5], services.incidents.get(tickets[i % 5]).version,
                                              {"urgency": ("high", "low")[i % 2]})
            elif i % 4 == 2:
                v = services.incidents.comment(admin, tickets[(i + 1) % 5], f"note {i}")
            else:
                v = services.incidents.update(admin, tickets[(i + 2) % 5],
                                              services.incidents.get(tickets[(i + 2) % 5]).version,
                                              {"title": f"Renamed {i}"})
            changes.append((v.id, v.version))
        # Heard out of order and in pieces, as a busy watcher passes them on.
        ctx.changes.publish(Change(ids=tuple(changes[6:])))
        ctx.changes.publish(Change(ids=tuple(changes[:6])))
        # The same rows and versions; a row whose sort key changed stays where it was
        # (rows do not jump under the cursor), so only the set is compared.
        assert sorted(_shown(model)) == sorted(_fresh(services, admin, spec)), spec
        assert model.rowCount() == services.queue.count(spec, admin)


def test_refresh_after_a_reconnect_rereads_what_no_notification_told(ctx, tickets, database: Database,
                                                                     admin: Actor, clock) -> None:
    spec = builtin("all_open").spec
    model = QueueModel(ctx)
    model.set_spec(spec)
    other = Database.connect(database.engine.url.render_as_string(hide_password=False))
    try:
        theirs = Services.over(other, clock).incidents
        v = theirs.get(tickets[1])
        theirs.update(admin, tickets[1], v.version, {"title": "Changed while we were away"})
        theirs.open(admin, NewIncident(title="Opened while we were away"))
    finally:
        other.dispose()
    ctx.changes.publish(Change(refresh=True))      # what the watcher says after reconnecting
    titles = [row.title for row in (model.row_data(r) for r in range(model.rowCount())) if row is not None]
    assert "Changed while we were away" in titles and "Opened while we were away" in titles


def test_a_lone_change_goes_out_at_once_and_a_burst_is_merged(ctx, qtbot) -> None:
    bridge = LiveBridge(ctx.services)
    # The bridge's own clock, stopped: on a loaded machine the burst window could pass
    # between the flush and the next change, and "right after" would not be tested.
    now = [1000.0]
    bridge._monotonic = lambda: now[0]
    heard: list[Change] = []
    bridge.changed.connect(heard.append)
    bridge._collect(Change(ids=((1, 2),)))
    assert bridge._timer.interval() == 0          # no fixed coalescing delay for a change alone
    qtbot.waitUntil(lambda: len(heard) == 1)
    # Right after a flush, more changes wait for the burst window and go out together.
    now[0] += 0.005
    bridge._collect(Change(ids=((2, 1),)))
    bridge._collect(Change(ids=((3, 1), (2, 2))))
    assert 0 < bridge._timer.interval() <= BURST_MS
    qtbot.waitUntil(lambda: len(heard) == 2)
    assert dict(heard[1].ids) == {2: 2, 3: 1}


def test_in_all_tickets_an_edit_far_down_moves_to_the_top_without_a_count(ctx, tickets, services: Services,
                                                                          admin: Actor, clock) -> None:
    spec = QueueSpec(QueueFilter(), "updated", True)
    model = QueueModel(ctx, page_size=2)          # holds the first two of the five rows
    model.set_spec(spec)
    held_before = model.cached_count()
    assert 0 < held_before < model.rowCount() == 5
    last = services.queue.last_page(spec, admin, 1)[0]
    clock.advance(minutes=5)
    edited = services.incidents.comment(admin, last.number, "Back to the top")
    with statements(services.db) as seen:
        ctx.changes.publish(Change(ids=((edited.id, edited.version),)))
    assert not [s for s in seen if "count(" in s and "from incidents" in s], seen
    top = model.row_data(0)
    assert top is not None and (top.id, top.version) == (edited.id, edited.version)
    assert model.rowCount() == 5                  # it was in the view already: the total stays
    assert model._reconcile_timer is None or not model._reconcile_timer.isActive()
