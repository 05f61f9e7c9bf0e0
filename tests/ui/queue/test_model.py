"""The queue's item model on its own: qtmodeltester, pages on demand, the SLA column,
counts of large views."""
from __future__ import annotations

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
    exact = ctx.queue.count
    monkeypatch.setattr(ctx.queue, "count", lambda spec, actor: calls.append("exact") or exact(spec, actor))
    model = QueueModel(ctx, page_size=1)
    totals: list[int] = []
    model.loaded.connect(totals.append)
    # A search: "more than a page" with the first rows, then the exact count.
    model.set_spec(QueueSpec(QueueFilter(search="p"), "number", True))  # projector, printer, password
    assert totals == [2, 3] and calls == ["exact"] and model.count_exact and model.rowCount() == 3
    qtmodeltester.check(model)
    # A view: counted up to the cap at once (here: more than 3), then exactly. (A fresh
    # model: the tester expects rows beyond a page to read the same before the exact
    # count arrives, but they are placeholders until their page loads.)
    model = QueueModel(ctx, page_size=1)
    model.loaded.connect(totals.append)
    totals.clear()
    model.set_spec(QueueSpec(QueueFilter(open_only=True), "number"))
    assert totals == [4, 5] and model.rowCount() == 5
    # Small views are exact at once.
    totals.clear()
    model.set_spec(QueueSpec(QueueFilter(search="printer"), "number"))
    assert totals == [1] and calls == ["exact", "exact"]
