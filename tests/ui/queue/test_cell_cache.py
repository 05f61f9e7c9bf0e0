"""The queue's kept cells (ui.queue.cell_cache) look exactly like cells painted in place,
and are painted anew when what they show changes: the row, the SLA words as the clock
moves, the selection, the palette."""
from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtGui import QColor, QImage, QPalette, QPixmap

from tests.ui.queue.test_view import _view as shown_queue
from ui.queue.cell_cache import CachedCellDelegate, CellPixmaps
from ui.queue.chips import ChipDelegate
from ui.queue.model import COLUMN_KEYS
from ui.queue.view import QueueView


class _InPlace(CachedCellDelegate):
    paint = CachedCellDelegate.render       # what the view drew before there was a store


class _ChipsInPlace(ChipDelegate):
    paint = ChipDelegate.render


def _view(ctx, qtbot) -> QueueView:  # type: ignore[no-untyped-def]
    """test_view's queue, its first rows in and its columns settled."""
    view = shown_queue(ctx, qtbot)
    model = view.queue_model
    qtbot.waitUntil(lambda: model.rowCount() >= 5 and model.row_data(4) is not None)
    qtbot.wait(50)                              # the first run's columns fitted, scroll bars settled
    return view


def _in_place(view: QueueView) -> QImage:
    """The viewport painted without the store, by the same code the store keeps the output of."""
    store, chips, plain = view.cells, view.chips, view.itemDelegate()
    direct = _InPlace(view.queue_model, CellPixmaps(), view)
    direct_chips = _ChipsInPlace(view.queue_model, CellPixmaps(), view)
    view.setItemDelegate(direct)
    for key in ("priority", "sla"):
        view.setItemDelegateForColumn(COLUMN_KEYS.index(key), direct_chips)
    try:
        return view.viewport().grab().toImage()
    finally:
        view.setItemDelegate(plain)
        for key in ("priority", "sla"):
            view.setItemDelegateForColumn(COLUMN_KEYS.index(key), chips)
        assert view.cells is store


def _same(a: QImage, b: QImage) -> bool:
    """The same picture: equal sizes, every channel of every pixel within 2 of the other's.
    (The focus frame is blended onto the cell's highlight in one case and onto the kept
    pixmap of it in the other, which may round a channel of a corner pixel by one.)"""
    if a.size() != b.size():
        return False
    a = a.convertToFormat(QImage.Format.Format_RGB32)
    b = b.convertToFormat(QImage.Format.Format_RGB32)
    pa, pb = bytes(a.constBits()), bytes(b.constBits())
    return pa == pb or all(abs(x - y) <= 2 for x, y in zip(pa, pb))


def _kept(view: QueueView) -> QImage:
    return view.viewport().grab().toImage()


def test_kept_cells_are_the_cells_painted_in_place(ctx, tickets, qtbot) -> None:  # type: ignore[no-untyped-def]
    view = _view(ctx, qtbot)
    view.selectionModel().select(view.queue_model.index(2, 0), QItemSelectionModel.SelectionFlag.Select
                                 | QItemSelectionModel.SelectionFlag.Rows)
    view.setCurrentIndex(view.queue_model.index(2, 3))
    expected = _in_place(view)
    view.cells.clear()
    misses = view.cells.misses
    first = _kept(view)                         # painted into the store, drawn from it
    assert len(view.cells) >= 5 * 8 and view.cells.misses - misses == len(view.cells)
    hits, misses = view.cells.hits, view.cells.misses
    again = _kept(view)                         # drawn from the store alone
    assert view.cells.hits - hits == len(view.cells) and view.cells.misses == misses
    assert _same(first, expected)
    assert _same(again, expected)


def test_a_changed_row_and_a_moved_clock_are_painted_anew(ctx, tickets, clock, qtbot) -> None:  # type: ignore[no-untyped-def]
    view = _view(ctx, qtbot)
    model = view.queue_model
    _kept(view)
    # A live change brings a new row object: its cells are painted again, the others kept.
    row = model.row_data(1)
    assert row is not None
    model._rows[1] = row._replace(title="Projector now smoking in HUM 101")
    col = COLUMN_KEYS.index("title")
    model.dataChanged.emit(model.index(1, 0), model.index(1, len(COLUMN_KEYS) - 1))
    after_change = _kept(view)
    assert _same(after_change, _in_place(view))
    assert not _same(after_change, _in_place_with(view, 1, row))     # the old title is not what shows
    # The SLA words move with the clock (the engine's snapshot each tick), with no new row
    # object: a cell kept for the row alone would show a stale "left".
    sla = COLUMN_KEYS.index("sla")
    timed = next(r for r in range(model.rowCount()) if str(model.data(model.index(r, sla))).endswith("left"))
    before = model.data(model.index(timed, sla))
    clock.advance(hours=30)
    view.tick_sla()                             # the SLA engine's snapshot of the visible rows, anew
    assert model.data(model.index(timed, sla)) != before
    assert _same(_kept(view), _in_place(view))
    assert col != sla


def _in_place_with(view: QueueView, r: int, row: object) -> QImage:
    """The viewport painted in place with ``row`` put back at ``r`` for the moment."""
    model = view.queue_model
    now = model._rows[r]
    model._rows[r] = row  # type: ignore[assignment]
    try:
        return _in_place(view)
    finally:
        model._rows[r] = now


def test_a_new_palette_empties_the_store(ctx, tickets, qtbot) -> None:  # type: ignore[no-untyped-def]
    view = _view(ctx, qtbot)
    _kept(view)
    assert len(view.cells) > 0
    palette = view.palette()
    palette.setColor(QPalette.ColorRole.Base, QColor(30, 30, 34))
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor(40, 40, 46))
    palette.setColor(QPalette.ColorRole.Text, QColor(230, 230, 230))
    view.setPalette(palette)
    assert len(view.cells) == 0
    assert _same(_kept(view), _in_place(view))


def test_the_store_keeps_to_its_budget_dropping_the_oldest() -> None:
    store = CellPixmaps(budget=100 * 22 * 4 * 10)     # ten 100 x 22 cells
    rows = [object() for _ in range(25)]
    for i, row in enumerate(rows):
        store.put((i, 0), row, ("s",), QPixmap(100, 22))
        assert store.bytes <= store.budget
    assert store.get((24, 0), rows[24], ("s",)) is not None      # the newest are kept
    assert store.get((0, 0), rows[0], ("s",)) is None             # the oldest went
    assert store.get((24, 0), rows[24], ("other",)) is None       # another shape is another cell
    assert store.get((24, 0), object(), ("s",)) is None           # so is another row object
    assert 7 <= len(store) <= 10


def test_the_view_keeps_a_screen_and_a_half_of_cells(ctx, tickets, qtbot) -> None:  # type: ignore[no-untyped-def]
    view = _view(ctx, qtbot)
    viewport = view.viewport()
    screen = viewport.width() * viewport.height() * viewport.devicePixelRatioF() ** 2 * 4
    assert view.cells.budget == max(int(1.5 * screen), 2 * 1024 * 1024)
    view.resize(2400, 1400)
    qtbot.waitUntil(lambda: view.viewport().width() > 2000)
    assert view.cells.budget >= 1.5 * 2000 * 1300 * 4
    kept = len(view.cells)
    large = view.cells.budget
    view.resize(200, 100)                       # on the way to being shown again, say
    qtbot.waitUntil(lambda: view.viewport().width() < 300)
    assert view.cells.budget == large and len(view.cells) == kept

