"""The Problems view's table model: problem records sorted and filtered in SQL, read in
pages off the GUI thread (fetchMore asks for the next page when the view scrolls).

Live changes from other workstations touch only their rows: a changed problem is
updated in place (it does not jump under the cursor), one that left the list is
removed, a newcomer is inserted where the query puts it; the view's selection follows
its row."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from desk.common.site import Site
from desk.live.watcher import Change
from desk.problems.listing import PROBLEM_COLUMNS, ProblemQuery, ProblemRow
from desk.rules import labels
from ui.context import DeskContext

COLUMN_KEYS = tuple(PROBLEM_COLUMNS)
PAGE = 200
_Index = QModelIndex | QPersistentModelIndex


class ProblemTableModel(QAbstractTableModel):
    loaded = Signal(int)     # total rows for the query
    failed = Signal(str)

    def __init__(self, ctx: DeskContext, parent: Any = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.query = ProblemQuery()
        self.rows: list[ProblemRow] = []
        self.total = 0
        self._generation = 0     # answers to an older query are dropped
        self._fetching = False

    # -- loading -------------------------------------------------------------------
    def set_query(self, query: ProblemQuery) -> None:
        self.query = query
        self.reload()

    def reload(self) -> None:
        self._generation += 1
        gen, q = self._generation, self.query
        problems = self.ctx.services.problems
        self.ctx.runner.read(lambda: (problems.count(q), problems.page(q, 0, PAGE)),
                             lambda res: self._on_first_page(gen, res), self._on_failed, owner=self)

    def _on_first_page(self, gen: int, res: tuple[int, list[ProblemRow]]) -> None:
        if gen != self._generation:
            return
        self.beginResetModel()
        self.total, self.rows = res
        self.endResetModel()
        self.loaded.emit(self.total)

    def _on_failed(self, exc: BaseException) -> None:
        from ui.errors import describe

        self._fetching = False
        self.failed.emit(describe(exc))

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self.rows) < self.total and not self._fetching

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        self._fetching = True
        gen, q, offset = self._generation, self.query, len(self.rows)
        self.ctx.runner.read(lambda: self.ctx.services.problems.page(q, offset, PAGE),
                             lambda rows: self._on_more(gen, offset, rows), self._on_failed, owner=self)

    def _on_more(self, gen: int, offset: int, rows: list[ProblemRow]) -> None:
        self._fetching = False
        if gen != self._generation or offset != len(self.rows):
            return
        # A live insert above the page boundary shifts offsets by one: never show a row twice.
        shown = {r.id for r in self.rows}
        rows = [r for r in rows if r.id not in shown]
        if not rows:
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(rows) - 1)
        self.rows.extend(rows)
        self.endInsertRows()

    # -- live changes ------------------------------------------------------------------
    def apply_change(self, change: Change) -> None:
        """Problems changed elsewhere: re-read those rows only (``refresh``: all shown rows)."""
        if change.refresh:
            self.soft_refresh()
            return
        ids = sorted({i for i, _v in change.ids})
        if not ids:
            return
        gen, q, listing = self._generation, self.query, self.ctx.services.problems.listing
        shown, loaded = {r.id for r in self.rows}, len(self.rows)

        def work() -> tuple[list[ProblemRow], int, list[int]]:
            rows = listing.rows(q, ids)
            newcomers = sum(1 for r in rows if r.id not in shown)
            order = listing.ordered_ids(q, loaded + newcomers) if newcomers else []
            return rows, listing.count(q), order

        self.ctx.runner.read(work, lambda res: self._apply(gen, ids, res), self._on_failed, owner=self)

    def _apply(self, gen: int, ids: list[int], result: tuple[list[ProblemRow], int, list[int]]) -> None:
        if gen != self._generation:
            return
        rows, total, order = result
        by_id = {r.id: r for r in rows}
        complete = len(self.rows) >= self.total     # every row of the query is loaded
        for iid in ids:
            at = self.row_of(iid)
            if at is None:
                continue
            if iid in by_id:
                self.rows[at] = by_id[iid]
                self.dataChanged.emit(self.index(at, 0), self.index(at, len(COLUMN_KEYS) - 1))
            else:            # no longer in this list (closed, out of the scope or the search)
                self.beginRemoveRows(QModelIndex(), at, at)
                del self.rows[at]
                self.endRemoveRows()
        for pos, iid in enumerate(order):           # newcomers, in the list's order
            if iid not in by_id or self.row_of(iid) is not None:
                continue
            if pos < len(self.rows) or complete:    # beyond the loaded part: fetchMore brings it
                at = min(pos, len(self.rows))
                self.beginInsertRows(QModelIndex(), at, at)
                self.rows.insert(at, by_id[iid])
                self.endInsertRows()
        if total != self.total:
            self.total = total
            self.loaded.emit(total)

    def soft_refresh(self) -> None:
        """Re-read the loaded rows of the query: rows that changed are updated in place;
        when rows came or went the model is reset (the view re-selects its problem)."""
        gen, q, problems = self._generation, self.query, self.ctx.services.problems
        want = max(len(self.rows), PAGE)
        self.ctx.runner.read(lambda: (problems.count(q), problems.page(q, 0, want)),
                             lambda res: self._on_soft(gen, res), self._on_failed, owner=self)

    def _on_soft(self, gen: int, res: tuple[int, list[ProblemRow]]) -> None:
        if gen != self._generation:
            return
        total, rows = res
        if [r.id for r in rows] != [r.id for r in self.rows]:
            self._on_first_page(gen, res)
            return
        for at, row in enumerate(rows):
            if row != self.rows[at]:
                self.rows[at] = row
                self.dataChanged.emit(self.index(at, 0), self.index(at, len(COLUMN_KEYS) - 1))
        if total != self.total:
            self.total = total
            self.loaded.emit(total)

    def row_of(self, problem_id: int) -> int | None:
        return next((at for at, r in enumerate(self.rows) if r.id == problem_id), None)

    # -- Qt model --------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMN_KEYS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return PROBLEM_COLUMNS[COLUMN_KEYS[section]]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        key = COLUMN_KEYS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(row, key, self.ctx.site)
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "incidents":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and key == "title":
            return row.title
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        from dataclasses import replace

        self.set_query(replace(self.query, sort=COLUMN_KEYS[column],
                              descending=order == Qt.SortOrder.DescendingOrder))

    def row_at(self, row: int) -> ProblemRow | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None


def cell_text(row: ProblemRow, key: str, site: Site) -> str:
    if key == "status":
        return labels.problem_status(row.status)
    if key == "updated":
        return site.local(row.updated_at).strftime("%Y-%m-%d %H:%M")
    if key == "incidents":
        return str(row.incidents)
    value = getattr(row, key)
    return "" if value is None else str(value)
