"""The queue's item model on its own: qtmodeltester, pages on demand, the SLA column,
counts of large views."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desk.bootstrap import Services
from desk.queue.spec import QueueFilter, QueueSpec
from ui.queue.model import COLUMN_KEYS, QueueModel


def _numbers(model: QueueModel) -> list[str]:
    return [model.row_data(r).number for r in range(model.rowCount())]  # type: ignore[union-attr]


def test_queue_model_passes_qtmodeltester(ctx, tickets, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = QueueModel(ctx, page_size=2)  # several pages for five rows
    model.set_spec(QueueSpec(QueueFilter(open_only=True), "number"))
    qtmodeltester.check(model)
    assert model.rowCount() == 5
    # rows beyond the first page arrive on demand
    for r in range(5):
        model.data(model.index(r, 0))
    assert _numbers(model) == tickets


def test_sla_column_comes_from_the_engine_and_ticks(ctx, tickets, services: Services, clock) -> None:  # type: ignore[no-untyped-def]
    model = QueueModel(ctx)
    model.set_spec(QueueSpec(QueueFilter(open_only=True), "number"))
    col = COLUMN_KEYS.index("sla")
    assert model.data(model.index(0, col)) == "—"  # no service, no SLA
    # tickets[1] is on the Printing service
    first = model.data(model.index(1, col))
    assert first.endswith("left"), first
    colour = model.data(model.index(1, col), Qt.ItemDataRole.ForegroundRole).color()
    clock.advance(days=30)  # long past every target
    model.refresh_sla(range(model.rowCount()))
    later = model.data(model.index(1, col))
    assert later.endswith("over"), later
    assert model.data(model.index(1, col), Qt.ItemDataRole.ForegroundRole).color() != colour


def test_large_counts_follow_the_first_rows(ctx, tickets, monkeypatch, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    import ui.queue.model as qm

    monkeypatch.setattr(qm, "COUNT_CAP", 3)
    calls: list[str] = []
    scan = ctx.queue.skeleton
    monkeypatch.setattr(ctx.queue, "skeleton",
                        lambda spec, actor, stride: calls.append("skeleton") or scan(spec, actor, stride))
    model = QueueModel(ctx, page_size=1)
    totals: list[int] = []
    model.loaded.connect(totals.append)
    # A search: "more than a page" with the first rows, then the planner's estimate (none
    # on SQLite), then the exact count (with the view's skeleton, from the same scan).
    model.set_spec(QueueSpec(QueueFilter(search="p"), "number", True))  # projector, printer, password
    assert totals == [2, 2, 3] and calls == ["skeleton"] and model.count_exact and model.rowCount() == 3
    assert model.skeleton is not None and model.skeleton.total == 3
    qtmodeltester.check(model)
    # A view: "more than a page" with the first rows, then counted up to the cap (here:
    # more than 3), then exactly. (A fresh
    # model: the tester expects rows beyond a page to read the same before the exact
    # count arrives, but they are placeholders until their page loads.)
    model = QueueModel(ctx, page_size=1)
    model.loaded.connect(totals.append)
    totals.clear()
    view = QueueSpec(QueueFilter(open_only=True), "number")
    estimate = ctx.queue.estimate(view, ctx.actor)
    model.set_spec(view)
    if estimate is None or estimate < 4:
        # No estimate (SQLite): the exact count follows at once, with the skeleton.
        assert totals == [2, 4, 5] and model.rowCount() == 5 and calls == ["skeleton", "skeleton"]
    else:
        # The server's estimate gives the view its size; the scan that counts it exactly
        # waits until a jump needs the skeleton, and then runs once for every waiter.
        assert totals == [2, estimate] and model.rowCount() == estimate and not model.count_exact
        assert calls == ["skeleton"] and model.skeleton is None and not model.counting
        model.data(model.index(3, 0))                         # far from the rows held
        assert calls == ["skeleton", "skeleton"] and model.count_exact and model.rowCount() == 5
        assert model.row_data(3) is not None and model.row_data(3).number == tickets[3]  # type: ignore[union-attr]
        for r in range(5):
            model.data(model.index(r, 0))
        assert _numbers(model) == tickets
    # Small views are exact at once and need no skeleton.
    totals.clear()
    model.set_spec(QueueSpec(QueueFilter(search="printer"), "number"))
    assert totals == [1] and calls == ["skeleton", "skeleton"] and model.skeleton is None


def test_first_rows_are_a_screenful_and_the_page_is_finished_from_them(ctx, tickets, services: Services,  # type: ignore[no-untyped-def]
                                                                       admin, clock, monkeypatch) -> None:
    """The first read asks for a screenful (fewer rows than a page); the rest of the page
    is walked on from the last row shown, never read again from the start."""
    _more_tickets(services, admin, clock, 10)
    spec = QueueSpec(QueueFilter(open_only=True), "number")
    expected = [r.number for r in ctx.queue.first_page(spec, admin, 1000)]
    assert len(expected) == 15
    reads: list[tuple[str, object, int]] = []
    after, before = ctx.queue.page_after, ctx.queue.page_before
    monkeypatch.setattr(ctx.queue, "page_after", lambda spec, actor, cursor, limit:
                        reads.append(("after", cursor, limit)) or after(spec, actor, cursor, limit))
    monkeypatch.setattr(ctx.queue, "page_before", lambda spec, actor, cursor, limit:
                        reads.append(("before", cursor, limit)) or before(spec, actor, cursor, limit))
    model = QueueModel(ctx, page_size=8, first_rows=3)
    model.set_spec(spec)
    assert reads[0] == ("after", None, 4)            # three rows and one to say "more"
    assert model.rowCount() == 15 and [model.row_data(r).number for r in range(3)] == expected[:3]  # type: ignore[union-attr]
    reads.clear()
    model.data(model.index(5, 0))                      # below the first rows, still page 0
    assert len(reads) == 1 and reads[0][0] == "after" and reads[0][1] is not None and reads[0][2] == 5
    assert [model.row_data(r).number for r in range(8)] == expected[:8]  # type: ignore[union-attr]
    for r in range(15):
        model.data(model.index(r, 0))
    assert _numbers(model) == expected


@pytest.mark.parametrize("estimate", [60, 30])
def test_a_big_view_is_counted_when_a_jump_needs_it(ctx, tickets, services: Services, admin, clock,  # type: ignore[no-untyped-def]
                                                    monkeypatch, estimate: int) -> None:
    """With the server's estimate, a big view takes the estimate as its size and is not
    scanned at the switch; the first far jump (or the approach to the estimate's end,
    when the estimate is short) reads the skeleton once, and the rows land where a full
    sort puts them."""
    import ui.queue.model as qm

    _more_tickets(services, admin, clock, 40)
    monkeypatch.setattr(qm, "COUNT_CAP", 5)
    monkeypatch.setattr(ctx.queue, "estimate", lambda spec, actor: estimate)
    calls: list[str] = []
    scan = ctx.queue.skeleton
    monkeypatch.setattr(ctx.queue, "skeleton",
                        lambda spec, actor, stride: calls.append("skeleton") or scan(spec, actor, stride))
    spec = QueueSpec(QueueFilter(open_only=True), "opened", True)
    expected = [r.number for r in ctx.queue.first_page(spec, admin, 1000)]
    model = QueueModel(ctx, page_size=3, first_rows=2)
    model.skeleton_stride = 4
    reads: list[int] = []
    model.loaded.connect(reads.append)
    # A tall window asks for every row it can show as soon as the first rows are in:
    # that is no reason to scan the view.
    model.loaded.connect(lambda _n: [model.data(model.index(r, 0)) for r in range(min(3, model.rowCount()))])
    model.set_spec(spec)
    assert reads == [3, estimate] and model.rowCount() == estimate and not model.count_exact and calls == []
    if estimate > 45:
        model.data(model.index(40, 0))                 # a jump: the skeleton, once, then the page
    else:
        for r in range(estimate):                       # scrolling down to the estimate's end
            model.data(model.index(r, 0))
    assert calls == ["skeleton"] and model.count_exact and model.rowCount() == 45
    for r in range(45):
        model.data(model.index(r, 0))
    assert _numbers(model) == expected and calls == ["skeleton"]
    # "Show ticket in queue" in a fresh big view reads the skeleton first, then ranks.
    model.set_spec(spec)
    found: list[int | None] = []
    model.locate(expected[33], found.append)
    assert found == [33] and calls == ["skeleton", "skeleton"]


def _more_tickets(services: Services, admin, clock, count: int) -> None:  # type: ignore[no-untyped-def]
    from tests import factories

    for i in range(count):
        clock.advance(minutes=1)
        factories.incident(services, admin, f"Lab PC {i} will not boot", impact=("low", "medium", "high")[i % 3])


def test_jumps_seek_from_the_skeleton_without_offset(ctx, tickets, services: Services, admin, clock,  # type: ignore[no-untyped-def]
                                                     monkeypatch) -> None:
    """A jump far from any loaded row waits for the skeleton, then seeks from its anchor:
    every row lands where a full sort puts it, and no statement skips rows with OFFSET."""
    from sqlalchemy import event

    import ui.queue.model as qm

    _more_tickets(services, admin, clock, 40)
    monkeypatch.setattr(qm, "COUNT_CAP", 5)
    spec = QueueSpec(QueueFilter(open_only=True), "priority", True)
    expected = [r.number for r in ctx.queue.first_page(spec, admin, 1000)]
    assert len(expected) == 45
    statements: list[tuple[str, object]] = []
    engine = services.db.engine
    listen = lambda conn, cursor, sql, params, *a: statements.append((sql, params))  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    try:
        model = QueueModel(ctx, page_size=3)
        model.skeleton_stride = 4
        model.set_spec(spec)
        estimated = ctx.queue.estimate(spec, admin)
        if estimated is not None:
            # PostgreSQL: the view is shown at its estimate until a jump needs the
            # skeleton (test_a_big_view_is_counted_when_a_jump_needs_it); here, at once.
            model.data(model.index(min(estimated, 45) - 1, 0))
        for r in (30, 13, 22, 7, 36, 1):   # far jumps, none beside a loaded page
            model.data(model.index(r, 0))
            assert model.skeleton is not None and model.rowCount() == 45
            assert model.row_data(r).number == expected[r]  # type: ignore[union-attr]
        for r in range(45):
            model.data(model.index(r, 0))
        assert _numbers(model) == expected
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    # SQLite's compiler writes "LIMIT ? OFFSET ?" for every LIMIT, with an offset of 0.
    skipping = [sql for sql, params in statements if "OFFSET" in sql.upper()
                and not ("LIMIT ? OFFSET ?" in sql and list(params)[sql[:sql.index("LIMIT ? OFFSET ?")].count("?") + 1] == 0)]  # type: ignore[call-overload]
    assert statements and not skipping


def test_locate_brings_a_ticket_row_in_and_follows_live_inserts(ctx, tickets, services: Services, admin,  # type: ignore[no-untyped-def]
                                                                 clock, monkeypatch) -> None:
    import ui.queue.model as qm

    _more_tickets(services, admin, clock, 30)
    monkeypatch.setattr(qm, "COUNT_CAP", 5)
    spec = QueueSpec(QueueFilter(open_only=True), "priority", False)
    model = QueueModel(ctx, page_size=4)
    model.skeleton_stride = 3
    model.set_spec(spec)
    expected = [r.number for r in ctx.queue.first_page(spec, admin, 1000)]
    for number in (expected[20], expected[0], expected[-1], expected[11]):
        found: list[int | None] = []
        model.locate(number, found.append)
        assert found and found[0] is not None
        assert model.row_data(found[0]).number == number  # type: ignore[union-attr]
        assert found[0] == expected.index(number)
    # Not in this view: said so.
    services.incidents.transition(admin, expected[5], "cancelled", reason="Duplicate")
    gone: list[int | None] = []
    model.locate(expected[5], gone.append)
    assert gone == [None]
    missing: list[int | None] = []
    model.locate("INC-999999", missing.append)
    assert missing == [None]
