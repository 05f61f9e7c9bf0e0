"""The queue table as shown: first-run column widths, saved widths kept, priority and SLA chips."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics

from db.enums import Role
from desk.actor import Actor
from desk.bootstrap import Services
from desk.queue.spec import QueueFilter, QueueSpec
from tests import factories
from ui import settings as S
from ui.queue.cells import COLOURS, PRIORITY_COLOURS, contrast, text_on
from ui.queue.chips import MARGIN, ChipDelegate
from ui.queue.model import COLUMN_KEYS, QueueModel
from ui.queue.view import QueueView


def _view(ctx, qtbot) -> QueueView:  # type: ignore[no-untyped-def]
    model = QueueModel(ctx)
    view = QueueView(ctx, model)
    qtbot.addWidget(view)
    view.resize(1500, 400)
    view.show()
    model.set_spec(QueueSpec(QueueFilter(open_only=True), "number"))
    return view


def _held_ticket(services: Services, admin: Actor) -> str:
    """A P1 on an SLA'd service, held by someone with a long name."""
    holder = factories.staff(services, admin, "roosevelt.fitzgerald-montgomery", Role.TECHNICIAN)
    return factories.incident(services, admin, "Lecture hall projector dead", service="Printing",
                              impact="high", urgency="high", assignee=holder.username).number


def test_first_run_sizes_sla_and_assignee_to_their_text(ctx, tickets, services: Services, admin: Actor,  # type: ignore[no-untyped-def]
                                                        qtbot) -> None:
    assert ctx.settings.get(S.QUEUE_HEADER).isEmpty()    # a first run: nothing saved
    number = _held_ticket(services, admin)
    view = _view(ctx, qtbot)
    model = view.queue_model
    row = next(r for r in range(model.rowCount()) if model.row_data(r).number == number)  # type: ignore[union-attr]
    metrics = QFontMetrics(view.font())
    for key in ("sla", "assignee", "priority", "number", "status"):
        col = COLUMN_KEYS.index(key)
        text = model.data(model.index(row, col))
        assert text, key
        assert metrics.horizontalAdvance(text) <= view.columnWidth(col), (key, text, view.columnWidth(col))
    # The SLA text the engine brings later ("resp. … over") fits too, not just today's.
    assert metrics.horizontalAdvance("resp. 12h 30m over") <= view.columnWidth(COLUMN_KEYS.index("sla"))
    assert view.columnWidth(COLUMN_KEYS.index("title")) <= 420    # capped: room for the rest
    assert not ctx.settings.get(S.QUEUE_HEADER).isEmpty()        # the fitted widths are kept


def test_saved_widths_win_over_fitting(ctx, tickets, services: Services, admin: Actor, qtbot) -> None:  # type: ignore[no-untyped-def]
    _held_ticket(services, admin)
    first = _view(ctx, qtbot)
    col = COLUMN_KEYS.index("assignee")
    first.setColumnWidth(col, 61)      # the user narrows it on purpose
    first.save_layout()
    again = _view(ctx, qtbot)
    assert again.columnWidth(col) == 61


def test_priority_and_sla_are_chips_with_their_words(ctx, tickets, services: Services, admin: Actor,  # type: ignore[no-untyped-def]
                                                     qtbot) -> None:
    number = _held_ticket(services, admin)
    view = _view(ctx, qtbot)
    model = view.queue_model
    row = next(r for r in range(model.rowCount()) if model.row_data(r).number == number)  # type: ignore[union-attr]
    prio = model.index(row, COLUMN_KEYS.index("priority"))
    sla = model.index(row, COLUMN_KEYS.index("sla"))
    assert isinstance(view.itemDelegateForColumn(prio.column()), ChipDelegate)
    assert isinstance(view.itemDelegateForColumn(sla.column()), ChipDelegate)
    # The words stay the model's DisplayRole: sorting, copying and screen readers read them.
    assert model.data(prio, Qt.ItemDataRole.DisplayRole) == "P1"
    assert model.data(sla, Qt.ItemDataRole.DisplayRole).endswith(("left", "over"))
    view.scrollTo(prio)
    image = view.viewport().grab().toImage()
    for index, fill in ((prio, PRIORITY_COLOURS["P1"]), (sla, model.data(sla, Qt.ItemDataRole.ForegroundRole).color())):
        rect = view.visualRect(index)
        # Just inside the chip's left end, before its text: the chip's own colour.
        pixel = image.pixelColor(rect.x() + MARGIN + 3, rect.center().y())
        assert (pixel.red(), pixel.green(), pixel.blue()) == (fill.red(), fill.green(), fill.blue()), index.column()
        # ...and not the whole cell: the chip leaves the cell's own background at its edge.
        assert image.pixelColor(rect.right() - 1, rect.center().y()) != pixel


def test_chip_text_always_reads() -> None:
    for fill in [*COLOURS.values(), *PRIORITY_COLOURS.values()]:
        assert contrast(fill, text_on(fill)) >= 4.5, fill.name()
