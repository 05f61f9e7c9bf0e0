"""The queue table model: a window of rows over a queue that may hold a million tickets.

Like Anki's browser table: the model knows the total count and caches immutable
row tuples for the pages it has seen; ``data()`` only reads that cache and asks for a
missing page in the background. Sorting and filtering change the spec and run in
SQL. A live change updates only its row (``dataChanged``), or inserts/removes it,
so the selection and scroll position stay put.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QFont

from desk.common.site import Site
from desk.live.watcher import INCIDENT, Change
from desk.queue.service import Cursor, QueueRow
from desk.queue.skeleton import STRIDE, Skeleton
from desk.queue.spec import COLUMNS, SORTABLE, QueueSpec
from desk.rules import labels
from ui.context import DeskContext
from ui.queue.cells import priority_colour, sla_cell
from ui.theme import major_row_background

log = logging.getLogger(__name__)

COLUMN_KEYS: tuple[str, ...] = tuple(COLUMNS)
ID_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
CHIP_ROLE = Qt.ItemDataRole.UserRole + 3   # QColor of the priority / SLA chip (ui.queue.chips)
MAX_CACHED_ROWS = 6000
# A view shows its first rows after counting at most this many tickets; a larger view's
# exact count follows in the background with its skeleton (desk.queue.skeleton), which
# every jump into it then starts from.
COUNT_CAP = 5000
_Index = QModelIndex | QPersistentModelIndex


class QueueModel(QAbstractTableModel):
    loaded = Signal(int)            # total rows after a (re)load
    page_loaded = Signal(int, int)  # first, last row filled in
    failed = Signal(str)

    def __init__(self, ctx: DeskContext, parent: Any = None, *, page_size: int = 200) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.page_size = page_size
        self.spec = QueueSpec()
        self.total = 0
        self._rows: dict[int, QueueRow] = {}
        self._row_of: dict[int, int] = {}
        self._pending_pages: set[int] = set()
        self._generation = 0
        self._sla: dict[int, Any] = {}
        self.count_exact = True
        # The planner's guess at a big view's size, shown as "≈ N" until the count is in.
        self.count_estimate: int | None = None
        self._skeleton: Skeleton | None = None
        self._awaiting_skeleton: set[int] = set()
        self.skeleton_stride = STRIDE
        self._bold = QFont()
        self._bold.setBold(True)
        ctx.changes.changed.connect(self._on_hub_change)

    # -- loading -----------------------------------------------------------------
    def set_spec(self, spec: QueueSpec) -> None:
        """Show a new query: count and first page in one background read."""
        self.spec = spec
        self._generation += 1
        gen = self._generation
        queue, actor, size = self.ctx.queue, self.ctx.actor, self.page_size

        searching = bool(spec.filter.search.strip())

        def work() -> tuple[int, bool, list[QueueRow], int | None]:
            # The first rows never wait for a large count: one row more than a page
            # says whether there is more; a search (whose exact count visits every
            # match) then shows "more than a page" and the planner's estimate, other
            # views count up to a cap. Either way the exact count follows in the
            # background, with the view's skeleton.
            rows = queue.first_page(spec, actor, size + 1)
            if len(rows) <= size:
                return len(rows), True, rows, None
            if searching:
                return size + 1, False, rows[:size], queue.estimate(spec, actor)
            total = queue.count_upto(spec, actor, COUNT_CAP)
            exact = total <= COUNT_CAP
            return total, exact, rows[:size], None if exact else queue.estimate(spec, actor)

        self.ctx.runner.read(work, lambda res: self._on_loaded(gen, res), self._on_failed, owner=self)

    def reload(self) -> None:
        self.set_spec(self.spec)

    def _on_loaded(self, gen: int, result: tuple[int, bool, list[QueueRow], int | None]) -> None:
        if gen != self._generation:
            return
        total, exact, rows, estimate = result
        self.beginResetModel()
        self.total = total
        self._rows.clear()
        self._row_of.clear()
        self._pending_pages.clear()
        self._skeleton = None
        self._awaiting_skeleton.clear()
        self._store(0, rows)
        self.endResetModel()
        self.count_exact = exact
        # A guess below what is already known to be there is no help.
        self.count_estimate = estimate if estimate is not None and estimate >= total else None
        self.loaded.emit(total)
        self.refresh_sla(range(min(len(rows), 60)))
        if not self.count_exact:
            self._build_skeleton(gen)

    def _build_skeleton(self, gen: int) -> None:
        """Count a big view exactly and sample its skeleton, in one background scan;
        pages asked for meanwhile far from any loaded row wait for it."""
        spec, actor, queue = self.spec, self.ctx.actor, self.ctx.queue

        def done(skeleton: Skeleton) -> None:
            if gen != self._generation:
                return
            self._skeleton = skeleton
            self.count_exact = True
            self.count_estimate = None
            self._resize(skeleton.total)
            self.loaded.emit(self.total)
            waiting = sorted(self._awaiting_skeleton)
            self._awaiting_skeleton.clear()
            for page in waiting:
                self._request_page(page)

        stride = self.skeleton_stride
        self.ctx.runner.read(lambda: queue.skeleton(spec, actor, stride), done, self._on_failed, owner=self)

    @property
    def skeleton(self) -> Skeleton | None:
        return self._skeleton

    def _resize(self, total: int) -> None:
        if total > self.total:
            self.beginInsertRows(QModelIndex(), self.total, total - 1)
            self.total = total
            self.endInsertRows()
        elif total < self.total:
            self.beginRemoveRows(QModelIndex(), total, self.total - 1)
            for r in [r for r in self._rows if r >= total]:
                self._row_of.pop(self._rows.pop(r).id, None)
            self.total = total
            self.endRemoveRows()

    def _on_failed(self, exc: BaseException) -> None:
        from ui.errors import describe

        log.warning("queue query failed: %s", exc)
        self.failed.emit(describe(exc))

    def _store(self, first: int, rows: list[QueueRow]) -> None:
        for offset, row in enumerate(rows):
            old = self._rows.get(first + offset)
            if old is not None and self._row_of.get(old.id) == first + offset:
                del self._row_of[old.id]
            self._rows[first + offset] = row
            self._row_of[row.id] = first + offset

    def _request_page(self, page: int) -> None:
        if page in self._pending_pages or page < 0 or page * self.page_size >= self.total:
            return
        self._pending_pages.add(page)
        first = page * self.page_size
        last = min(first + self.page_size, self.total) - 1
        gen, spec, actor, queue, size = self._generation, self.spec, self.ctx.actor, self.ctx.queue, self.page_size
        before = self._rows.get(first - 1)
        after = self._rows.get(last + 1)
        near_end = self.total - first <= 4 * size
        if before is None and after is None and not near_end and self._skeleton is None \
                and not self.count_exact:
            # A jump into a big view before its skeleton is in: it follows when it is.
            self._pending_pages.discard(page)
            self._awaiting_skeleton.add(page)
            return
        # Where a jump starts, decided here: the skeleton moves under live changes on
        # this thread, so the worker gets the anchor, not the skeleton.
        anchor, skip = self._skeleton.seek(first) if self._skeleton is not None else (None, first)
        tail_size = self.total - first

        def work() -> list[QueueRow]:
            # Walk from a neighbour when we have one; from the end when close to it;
            # else seek from the skeleton's anchor before the page (a small view's
            # anchor is its start). No query skips rows with OFFSET.
            if before is not None:
                return queue.page_after(spec, actor, Cursor.of(before, spec.sort), last - first + 1)
            if after is not None:
                return queue.page_before(spec, actor, Cursor.of(after, spec.sort), last - first + 1)
            if near_end:
                tail = queue.page_before(spec, actor, None, tail_size)
                return tail[: last - first + 1]
            return queue.page_from(spec, actor, anchor, skip, last - first + 1)

        def done(rows: list[QueueRow]) -> None:
            self._pending_pages.discard(page)
            if gen != self._generation:
                return
            self._evict_far_from(first)
            self._store(first, rows[: last - first + 1])
            if rows:
                self.dataChanged.emit(self.index(first, 0), self.index(first + len(rows) - 1,
                                                                       len(COLUMN_KEYS) - 1))
                self.page_loaded.emit(first, first + len(rows) - 1)
                self.refresh_sla(range(first, first + min(len(rows), 60)))

        self.ctx.runner.read(work, done, self._on_failed, owner=self)

    def _evict_far_from(self, row: int) -> None:
        if len(self._rows) <= MAX_CACHED_ROWS:
            return
        keep = MAX_CACHED_ROWS // 2
        for r in [r for r in self._rows if abs(r - row) > keep]:
            self._row_of.pop(self._rows.pop(r).id, None)

    # -- Qt model API ----------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.total

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMN_KEYS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMN_KEYS):
            key = COLUMN_KEYS[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[key]
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"Sort by {COLUMNS[key].lower()}" if key in SORTABLE else \
                    f"{COLUMNS[key]} (not sortable: the queue sorts in the database on indexed columns)"
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < self.total):
            return None
        row = self._rows.get(index.row())
        if row is None:
            if role == Qt.ItemDataRole.DisplayRole:
                self._request_page(index.row() // self.page_size)
                return "…" if index.column() == 0 else None
            return None
        key = COLUMN_KEYS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, key)
        if role == ID_ROLE:
            return row.id
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ForegroundRole and key == "sla":
            return self._sla_cell(row).brush
        if role == CHIP_ROLE:
            if key == "sla":
                return self._sla_cell(row).colour
            if key == "priority":
                return priority_colour(row.priority)
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "sla":
                return self._sla_cell(row).tooltip
            if key == "caller" and row.caller_vip:
                return "VIP caller (VIP policy applies to urgency)"
            if key == "title":
                return row.title
            if key == "priority":
                return labels.priority(row.priority)     # "P3 Medium": the chip says only "P3"
        if role == Qt.ItemDataRole.FontRole and key == "priority" and row.priority in ("P1", "P2"):
            return self._bold
        if role == Qt.ItemDataRole.BackgroundRole and row.is_major:
            return QBrush(major_row_background())
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{COLUMNS[key]}: {self._display(row, key)}"
        return None

    def _display(self, row: QueueRow, key: str) -> str:
        if key == "number":
            return row.number
        if key == "priority":
            return row.priority
        if key == "sla":
            return self._sla_cell(row).text
        if key == "title":
            return row.title
        if key == "caller":
            return f"★ VIP  {row.caller}" if row.caller_vip and row.caller else (row.caller or "")
        if key == "department":
            return row.department or ""
        if key == "service":
            return row.service or ""
        if key == "status":
            return labels.status(row.status)
        if key == "team":
            return row.team or ""
        if key == "assignee":
            return row.assignee or ""
        if key == "updated":
            return _local(row.updated_at, self.ctx.site)
        if key == "opened":
            return _local(row.opened_at, self.ctx.site)
        return ""

    def _sla_cell(self, row: QueueRow) -> Any:
        return sla_cell(row, self._sla.get(row.id), self.ctx.clock(), self.ctx.site)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMN_KEYS[column] if 0 <= column < len(COLUMN_KEYS) else None
        if key not in SORTABLE:
            return
        self.set_spec(self.spec.sorted_by(key, order == Qt.SortOrder.DescendingOrder))

    # -- lookups for the view --------------------------------------------------------
    def row_data(self, row: int) -> QueueRow | None:
        return self._rows.get(row)

    def row_of(self, incident_id: int) -> int | None:
        return self._row_of.get(incident_id)

    def cached_count(self) -> int:
        return len(self._rows)

    # -- SLA ------------------------------------------------------------------------
    def refresh_sla(self, rows: Iterable[int]) -> None:
        """Re-tick the SLA cells of ``rows`` (the visible page), via the SLA engine if present."""
        ids = [self._rows[r].id for r in rows if r in self._rows]
        if not ids:
            return
        sla, now, gen = self.ctx.sla, self.ctx.clock(), self._generation

        def work() -> dict[int, Any]:
            return sla.snapshots(ids, now)

        def done(snaps: dict[int, Any]) -> None:
            if gen != self._generation:
                return
            self._sla.update(snaps)
            col = COLUMN_KEYS.index("sla")
            rows_now = [self._row_of[i] for i in ids if i in self._row_of]
            if rows_now:
                self.dataChanged.emit(self.index(min(rows_now), col), self.index(max(rows_now), col),
                                      [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole, CHIP_ROLE])

        self.ctx.runner.read(work, done, lambda exc: log.warning("SLA snapshot failed: %s", exc), owner=self)

    # -- "where is ticket INC-…?" ------------------------------------------------------
    def locate(self, number: str, done: Callable[[int | None], None]) -> None:
        """Load the rows around ticket ``number`` and call ``done`` with its row, or
        None when the ticket is not in this view. Its row number comes from the
        skeleton plus a count bounded by the stride; the rows beside it are keyset
        walks from it, so even the middle of ten million rows answers at once."""
        gen, spec, actor, queue, size = self._generation, self.spec, self.ctx.actor, self.ctx.queue, self.page_size
        skeleton = self._skeleton.copy() if self._skeleton is not None else None

        def work() -> tuple[int, list[QueueRow]] | None:
            row = queue.row_by_number(number)
            if row is None or not queue.matching(spec, actor, [row.id]):
                return None
            at = queue.rank(spec, actor, row, skeleton)
            cur = Cursor.of(row, spec.sort)
            before = queue.page_before(spec, actor, cur, size // 2)
            after = queue.page_after(spec, actor, cur, size // 2)
            return at - len(before), [*before, row, *after]

        def loaded(res: tuple[int, list[QueueRow]] | None) -> None:
            if gen != self._generation or res is None:
                done(None)
                return
            first, rows = res
            wanted = next(i for i, r in enumerate(rows) if r.number == number)
            if first < 0:  # a stale skeleton's guess; the rows themselves are right
                rows, wanted, first = rows[-first:], wanted + first, 0
            rows = rows[: max(self.total - first, 0)]
            self._evict_far_from(first)
            self._store(first, rows)
            if rows:
                self.dataChanged.emit(self.index(first, 0), self.index(first + len(rows) - 1, len(COLUMN_KEYS) - 1))
                self.refresh_sla(range(first, first + min(len(rows), 60)))
            done(first + wanted if wanted < len(rows) else None)

        self.ctx.runner.read(work, loaded, self._on_failed, owner=self)

    # -- live updates ----------------------------------------------------------------
    def _on_hub_change(self, change: Change) -> None:
        if change.kind == INCIDENT:
            self.apply_change(change)

    def apply_change(self, change: Change) -> None:
        if change.refresh:
            self.soft_refresh()
            return
        ids = [i for i, _v in change.ids]
        if not ids:
            return
        gen, spec, actor, queue = self._generation, self.spec, self.ctx.actor, self.ctx.queue
        cached = {i for i in ids if i in self._row_of}

        def work() -> tuple[list[QueueRow], set[int], int, dict[int, int]]:
            rows = queue.rows(ids)
            matching = queue.matching(spec, actor, ids)
            total = queue.count(spec, actor)
            positions = {r.id: queue.position(spec, actor, r) for r in rows
                         if r.id in matching and r.id not in cached}
            return rows, matching, total, positions

        self.ctx.runner.read(work, lambda res: self._apply(gen, res), self._on_failed, owner=self)

    def _apply(self, gen: int, result: tuple[list[QueueRow], set[int], int, dict[int, int]]) -> None:
        if gen != self._generation:
            return
        rows, matching, new_total, positions = result
        by_id = {r.id: r for r in rows}
        # Rows we show: update in place (they do not jump under the cursor) or remove.
        for iid in list(by_id):
            r = self._row_of.get(iid)
            if r is None:
                continue
            if iid in matching:
                self._rows[r] = by_id[iid]
                self._sla.pop(iid, None)
                self.dataChanged.emit(self.index(r, 0), self.index(r, len(COLUMN_KEYS) - 1))
            else:
                self._remove_row(r)
        extra = new_total - self.total
        newcomers = sorted(positions.items(), key=lambda kv: kv[1])
        if extra == len(newcomers):
            for iid, pos in newcomers:
                self._insert_row(min(pos, self.total), by_id[iid])
        elif extra != 0:
            self.soft_refresh()
            return
        self.refresh_sla(self._row_of[i] for i in by_id if i in self._row_of)

    def _remove_row(self, r: int) -> None:
        self.beginRemoveRows(QModelIndex(), r, r)
        self._shift(r, -1)
        self.total -= 1
        self.endRemoveRows()

    def _insert_row(self, r: int, row: QueueRow) -> None:
        self.beginInsertRows(QModelIndex(), r, r)
        self._shift(r, +1)
        self.total += 1
        self._rows[r] = row
        self._row_of[row.id] = r
        self.endInsertRows()

    def _shift(self, at: int, delta: int) -> None:
        if self._skeleton is not None:
            self._skeleton.shift(at, delta)
        old = self._rows
        self._rows = {}
        self._row_of = {}
        for r, row in old.items():
            if delta < 0 and r == at:
                continue
            nr = r + delta if r >= at else r
            self._rows[nr] = row
            self._row_of[row.id] = nr
        self._pending_pages.clear()

    def soft_refresh(self) -> None:
        """Re-count and re-read the rows we hold, keeping positions (after a reconnect)."""
        gen, spec, actor, queue = self._generation, self.spec, self.ctx.actor, self.ctx.queue
        held = sorted(self._rows)
        first = held[0] if held else 0
        span = min(len(held), MAX_CACHED_ROWS // 2) or self.page_size
        big, stride = self._skeleton is not None, self.skeleton_stride

        def work() -> tuple[int, list[QueueRow], Skeleton | None]:
            # A big view's skeleton may have drifted (a reconnect missed changes): a new
            # one, which also counts it; a small view is simply counted.
            skeleton = queue.skeleton(spec, actor, stride) if big else None
            total = skeleton.total if skeleton is not None else queue.count(spec, actor)
            anchor, skip = skeleton.seek(first) if skeleton is not None else (None, first)
            return total, queue.page_from(spec, actor, anchor, skip, span), skeleton

        def done(res: tuple[int, list[QueueRow], Skeleton | None]) -> None:
            if gen != self._generation:
                return
            total, rows, skeleton = res
            self.layoutAboutToBeChanged.emit()
            self._rows.clear()
            self._row_of.clear()
            self._pending_pages.clear()
            if skeleton is not None:
                self._skeleton = skeleton
            self._store(first, rows)
            self.layoutChanged.emit()
            if total != self.total:
                self._resize(total)
            self.loaded.emit(self.total)

        self.ctx.runner.read(work, done, self._on_failed, owner=self)


def _local(when: dt.datetime | None, site: Site) -> str:
    if when is None:
        return ""
    return site.local(when).strftime("%Y-%m-%d %H:%M")
