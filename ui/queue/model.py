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

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QFont

from desk.common.site import Site
from desk.live.watcher import INCIDENT, Change
from desk.queue.service import Cursor, QueueRow, sort_value
from desk.queue.skeleton import STRIDE, Skeleton
from desk.queue.spec import COLUMNS, SORTABLE, QueueFilter, QueueSpec
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
SLA_CELLS_KEPT = 1000   # SLA cells of rows painted lately (each is asked for four times a paint)
# A view shows its first rows after counting at most this many tickets; a larger view's
# exact count follows in the background with its skeleton (desk.queue.skeleton), which
# every jump into it then starts from.
COUNT_CAP = 5000
# The first read of a view fetches only this many rows (a tall screen's worth), not a
# whole page: at ten million tickets on PostgreSQL a 200-row page is twice a 64-row one,
# and the rows below the fold are read when they are scrolled to, after the count.
FIRST_ROWS = 64
# After a live change that may have moved the total (a row the model does not hold), an
# exact count follows after this long: a small view (<= COUNT_CAP) soon, a large one rarely.
RECONCILE_SMALL_MS = 1000
RECONCILE_LARGE_MS = 300_000
_Index = QModelIndex | QPersistentModelIndex
_SLA = COLUMN_KEYS.index("sla")
_PRIORITY = COLUMN_KEYS.index("priority")
_CELL_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_R = Qt.ItemDataRole
_DISPLAY, _TOOLTIP, _FONT, _FOREGROUND, _BACKGROUND, _ACCESSIBLE = (
    int(_R.DisplayRole), int(_R.ToolTipRole), int(_R.FontRole), int(_R.ForegroundRole),
    int(_R.BackgroundRole), int(_R.AccessibleTextRole))
# Roles no queue cell has, asked for every cell painted: answered first, with nothing.
_PLAIN_ROLES = frozenset(int(r) for r in (_R.DecorationRole, _R.TextAlignmentRole, _R.CheckStateRole,
                                          _R.EditRole, _R.StatusTipRole, _R.WhatsThisRole, _R.SizeHintRole))


class QueueModel(QAbstractTableModel):
    loaded = Signal(int)            # total rows after a (re)load
    page_loaded = Signal(int, int)  # first, last row filled in
    failed = Signal(str)
    changes_applied = Signal(object)  # {id: version} of a live change, once the model shows it

    def __init__(self, ctx: DeskContext, parent: Any = None, *, page_size: int = 200,
                 first_rows: int = FIRST_ROWS) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.page_size = page_size
        self.first_rows = max(1, min(first_rows, page_size))
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
        self._after_skeleton: list[Callable[[], None]] = []
        self._skeleton_building: int | None = None   # the generation whose skeleton is being read
        self.skeleton_stride = STRIDE
        self._live_pending: dict[int, int] = {}   # live changes waiting for the read in flight
        self._live_busy = False
        self._reconcile_timer: QTimer | None = None
        self._bold = QFont()
        self._bold.setBold(True)
        # Per incident id: (row, SLA snapshot, second, cell) of the rows painted lately.
        self._sla_of: dict[int, tuple[QueueRow, Any, int, Any]] = {}
        ctx.changes.changed.connect(self._on_hub_change)

    # -- loading -----------------------------------------------------------------
    def set_spec(self, spec: QueueSpec) -> None:
        """Show a new query: its first page in one background read, the count after it."""
        self.spec = spec
        self._generation += 1
        gen = self._generation
        queue, actor, size = self.ctx.queue, self.ctx.actor, self.first_rows

        def work() -> tuple[int, bool, list[QueueRow]]:
            # The first rows never wait for a count: one row more than a screenful says
            # whether there is more, and the rows are shown with "more than these".
            # A second read then gives a small view's count (up to a cap) or the
            # planner's estimate (a search's exact count visits every match); the
            # exact count of a big view follows in the background, with its skeleton.
            rows = queue.first_page(spec, actor, size + 1)
            if len(rows) <= size:
                return len(rows), True, rows
            return size + 1, False, rows[:size]

        self.ctx.runner.read(work, lambda res: self._on_loaded(gen, res), self._on_failed, owner=self)

    def _count_first(self, gen: int) -> None:
        """After the first rows of a view with more: its count up to a cap, else the
        planner's estimate; then, for a big view, the skeleton with the exact count."""
        spec, actor, queue = self.spec, self.ctx.actor, self.ctx.queue
        searching = bool(spec.filter.search.strip())

        def work() -> tuple[int | None, bool, int | None]:
            if searching:
                return None, False, queue.estimate(spec, actor)
            total = queue.count_upto(spec, actor, COUNT_CAP)
            exact = total <= COUNT_CAP
            return total, exact, None if exact else queue.estimate(spec, actor)

        def done(res: tuple[int | None, bool, int | None]) -> None:
            if gen != self._generation or self.count_exact:
                return
            total, exact, estimate = res
            if total is not None:
                self._resize(total)              # exact, or "more than the cap"
            self.count_exact = exact
            if estimate is not None and estimate >= self.total:
                self.count_estimate = estimate   # a guess below what is known is no help
            if not self.count_exact and not searching and self.count_estimate is not None:
                # A big view with the server's estimate: the scrollbar takes its size,
                # and the exact scan waits until a jump or "show ticket in queue" needs
                # the skeleton. Built at every view switch, ten million rows are seconds
                # of the server per workstation: fifty of them switching views would
                # keep it busy with scans nobody looks at.
                self._resize(self.count_estimate)
                self.loaded.emit(self.total)
                return
            self.loaded.emit(self.total)
            if not self.count_exact:
                self._build_skeleton(gen)

        self.ctx.runner.read(work, done, self._on_failed, owner=self)

    def reload(self) -> None:
        self.set_spec(self.spec)

    def _on_loaded(self, gen: int, result: tuple[int, bool, list[QueueRow]]) -> None:
        if gen != self._generation:
            return
        total, exact, rows = result
        self.beginResetModel()
        self.total = total
        self._rows.clear()
        self._row_of.clear()
        self._pending_pages.clear()
        self._skeleton = None
        self._awaiting_skeleton.clear()
        self._after_skeleton.clear()
        self._skeleton_building = None
        self._store(0, rows)
        self.endResetModel()
        self.count_exact = exact
        self.count_estimate = None               # _count_first brings it, for a big view
        self.loaded.emit(total)
        self.refresh_sla(range(min(len(rows), 60)))
        if not self.count_exact:
            self._count_first(gen)

    def _build_skeleton(self, gen: int) -> None:
        """Count a big view exactly and sample its skeleton, in one background scan;
        pages asked for meanwhile far from any loaded row wait for it."""
        spec, actor, queue = self.spec, self.ctx.actor, self.ctx.queue
        if self._skeleton_building == gen:
            return                                # one scan at a time serves every waiter
        self._skeleton_building = gen

        def failed(exc: BaseException) -> None:
            if gen == self._generation:
                self._skeleton_building = None
                self._after_skeleton.clear()     # a locate waiting for it: the error is said
            self._on_failed(exc)

        def done(skeleton: Skeleton) -> None:
            if gen != self._generation:
                return
            self._skeleton_building = None
            self._skeleton = skeleton
            self.count_exact = True
            self.count_estimate = None
            self._resize(skeleton.total)
            self.loaded.emit(self.total)
            waiting = sorted(self._awaiting_skeleton)
            self._awaiting_skeleton.clear()
            for page in waiting:
                self._request_page(page)
            then, self._after_skeleton = self._after_skeleton, []
            for step in then:
                step()

        stride = self.skeleton_stride
        self.ctx.runner.read(lambda: queue.skeleton(spec, actor, stride), done, failed, owner=self)

    @property
    def skeleton(self) -> Skeleton | None:
        return self._skeleton

    @property
    def counting(self) -> bool:
        """Whether the exact count (with the skeleton) is being read now."""
        return self._skeleton_building == self._generation

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
        first = page * self.page_size
        last = min(first + self.page_size, self.total) - 1
        # Only the rows of the page not held: after the first rows of a view (fewer than
        # a page) the rest of page 0 is walked from the last row shown.
        while first <= last and first in self._rows:
            first += 1
        while last >= first and last in self._rows:
            last -= 1
        if first > last:
            return
        self._pending_pages.add(page)
        gen, spec, actor, queue, size = self._generation, self.spec, self.ctx.actor, self.ctx.queue, self.page_size
        before = self._rows.get(first - 1)
        after = self._rows.get(last + 1)
        # The end is only known where the count is exact (not "≈ N" or "over 5,000").
        near_end = self.count_exact and self.total - first <= 4 * size
        if not self.count_exact and self._skeleton is None and self.count_estimate is not None \
                and self.total - first <= 4 * size:
            # Scrolling towards the end of an estimate (it may be short): count exactly
            # before it is reached; this page walks on from its neighbour meanwhile.
            # (Before the estimate is in, the total is the first rows' "more than these".)
            self._build_skeleton(gen)
        if before is None and after is None and not near_end and self._skeleton is None \
                and not self.count_exact:
            # A jump into a big view before its skeleton is in: it follows when it is
            # (read now if nothing has asked for it yet).
            self._pending_pages.discard(page)
            self._awaiting_skeleton.add(page)
            self._build_skeleton(gen)
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
        return _CELL_FLAGS if index.isValid() else _NO_FLAGS

    # A cell rendered (ui.queue.cell_cache keeps it) asks for seven or eight roles: data()
    # answers the roles no cell has first, the SLA cell once per row and second, and only
    # the roles a column really has go further.
    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        row = self._rows.get(index.row())
        if row is None:
            if role == _DISPLAY and index.isValid() and 0 <= index.row() < self.total:
                self._request_page(index.row() // self.page_size)
                return "…" if index.column() == 0 else None
            return None
        col = index.column()
        if role == _DISPLAY:
            return self._sla_cell(row).text if col == _SLA else self._display(row, COLUMN_KEYS[col])
        if role in _PLAIN_ROLES:
            return None
        if role == _BACKGROUND:
            return QBrush(major_row_background()) if row.is_major else None  # light or dark, as now
        if role == _FONT:
            return self._bold if col == _PRIORITY and row.priority in ("P1", "P2") else None
        if role == _FOREGROUND:
            return self._sla_cell(row).brush if col == _SLA else None
        if role == CHIP_ROLE:
            if col == _SLA:
                return self._sla_cell(row).colour
            return priority_colour(row.priority) if col == _PRIORITY else None
        if role == ID_ROLE:
            return row.id
        if role == ROW_ROLE:
            return row
        key = COLUMN_KEYS[col]
        if role == _TOOLTIP:
            if key == "sla":
                return self._sla_cell(row).tooltip
            if key == "caller" and row.caller_vip:
                return "VIP caller (VIP policy applies to urgency)"
            if key == "title":
                return row.title
            if key == "priority":
                return labels.priority(row.priority)     # "P3 Medium": the chip says only "P3"
        if role == _ACCESSIBLE:
            text = self._sla_cell(row).text if col == _SLA else self._display(row, key)
            return f"{COLUMNS[key]}: {text}"
        return None

    def cell_stamp(self, row: QueueRow, column: int) -> Any:
        """What a cell shows besides its row (a kept cell is drawn again while both are the
        same, ``ui.queue.cell_cache``): the SLA cell's words and state, which move with the
        clock; nothing for the other columns."""
        if column == _SLA:
            cell = self._sla_cell(row)
            return cell.text, cell.state
        return None

    def _display(self, row: QueueRow, key: str) -> str:
        if key == "number":
            return row.number
        if key == "priority":
            return row.priority
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
        """The SLA cell of ``row`` now, to the second: one paint asks for it four times a
        row (text, colour, chip, accessible text), the clock only once."""
        now = self.ctx.clock()
        second = int(now.timestamp())
        snapshot = self._sla.get(row.id)
        held = self._sla_of.get(row.id)
        if held is not None and held[0] is row and held[1] is snapshot and held[2] == second:
            return held[3]
        cell = sla_cell(row, snapshot, now, self.ctx.site)
        if len(self._sla_of) > SLA_CELLS_KEPT:   # a few screens: the rest are made again when painted
            self._sla_of.clear()
        self._sla_of[row.id] = (row, snapshot, second, cell)
        return cell

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
        if self._skeleton is None and not self.count_exact:
            # A rank in a big view starts from its skeleton: read it first (once).
            self._after_skeleton.append(lambda: self.locate(number, done))
            self._build_skeleton(self._generation)
            return
        gen, spec, actor, queue, size = self._generation, self.spec, self.ctx.actor, self.ctx.queue, self.page_size
        skeleton = self._skeleton.copy() if self._skeleton is not None else None

        def work() -> tuple[int, list[QueueRow]] | None:
            return queue.around(spec, actor, number, skeleton, size // 2)

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
        """Bring the rows of a change up to date: one bounded read, whatever the view's size.

        While that read runs, later changes wait and go together in the next one, so a
        busy desk costs one read in flight per view, not one per save."""
        if change.refresh:
            self.soft_refresh()
            return
        for iid, version in change.ids:
            self._live_pending[iid] = max(version, self._live_pending.get(iid, version))
        if self._live_pending and not self._live_busy:
            self._live_read()

    def _live_read(self) -> None:
        asked, self._live_pending = self._live_pending, {}
        self._live_busy = True
        gen, spec, actor, queue = self._generation, self.spec, self.ctx.actor, self.ctx.queue

        def failed(exc: BaseException) -> None:
            self._live_busy = False
            self._on_failed(exc)

        self.ctx.runner.read(lambda: queue.live_rows(spec, actor, list(asked)),
                             lambda res: self._apply(gen, asked, res), failed, owner=self)

    def _apply(self, gen: int, asked: dict[int, int], result: list[tuple[QueueRow, bool]]) -> None:
        self._live_busy = False
        if gen == self._generation:
            self._merge(asked, result)
            self.changes_applied.emit(asked)
        if self._live_pending:
            self._live_read()

    def _merge(self, asked: dict[int, int], result: list[tuple[QueueRow, bool]]) -> None:
        """Update, insert or remove each changed row. A row's old membership comes from the
        rows held (the model holds every row it shows); the total moves by what changed,
        and where that cannot be told (a row the model does not hold, and not new) an
        exact count follows later in the background (``_reconcile_later``)."""
        found = {row.id: (row, in_view) for row, in_view in result}
        # Holding every row of the view: a row not held was not in it.
        holds_all = self.count_exact and len(self._rows) == self.total
        everything = self.spec.filter == QueueFilter()   # "All tickets": every ticket belongs
        uncertain = False
        touched: list[int] = []
        for iid in asked:
            row, in_view = found.get(iid, (None, False))
            r = self._row_of.get(iid)
            if r is not None:
                if row is not None and in_view:
                    # Updated in place: a row does not jump away under the cursor.
                    self._rows[r] = row
                    self._sla.pop(iid, None)
                    self.dataChanged.emit(self.index(r, 0), self.index(r, len(COLUMN_KEYS) - 1))
                    touched.append(iid)
                else:
                    self._remove_row(r)
                continue
            if row is None or not in_view:
                # Not in the view now; it may have left it from a row we do not hold.
                uncertain = uncertain or (not holds_all and row is not None and row.version > 1)
                continue
            new = holds_all or row.version <= 1   # version 1: opened since anyone read it
            # In a view of every ticket, a row that is not new was in it already.
            moved = everything and not new
            at, exact = self._place(row)
            if exact:
                # It sorts among the rows held (between two neighbours, first, or last):
                # show it there. Not new: it may have come from a row we do not hold.
                self._insert_row(at, row)
                touched.append(iid)
                if moved and self.total - 1 not in self._rows:
                    self._resize(self.total - 1)     # its old place, somewhere not held
                else:
                    uncertain = uncertain or not new
            elif new:
                self._insert_row(at, None)       # in a stretch not held: read when scrolled to
            elif not moved:
                uncertain = True                 # an edit of a row not held, or a newcomer
        if uncertain:
            self._reconcile_later()
        self.refresh_sla(self._row_of[i] for i in touched if i in self._row_of)

    def _before(self, a: QueueRow, b: QueueRow) -> bool:
        """Whether ``a`` comes before ``b`` in the view (the SQL's order: NULL keys last
        in either direction, ties and the NULL segment by id)."""
        sort, desc = self.spec.sort, self.spec.descending
        ka, kb = sort_value(a, sort), sort_value(b, sort)
        if (ka is None) != (kb is None):
            return kb is None
        pa, pb = (a.id, b.id) if ka is None or ka == kb else (ka, kb)
        return bool(pa > pb) if desc else bool(pa < pb)

    def _place(self, row: QueueRow) -> tuple[int, bool]:
        """Where ``row`` goes among the rows held (a binary search over them, no query),
        and whether that spot is exact: right after the held row before it and right
        before the next (or the view's first or last row)."""
        held = sorted(self._rows)
        lo, hi = 0, len(held)
        while lo < hi:
            mid = (lo + hi) // 2
            if self._before(self._rows[held[mid]], row):
                lo = mid + 1
            else:
                hi = mid
        prev = held[lo - 1] if lo else -1
        nxt = held[lo] if lo < len(held) else None
        exact = nxt == prev + 1 if nxt is not None else prev + 1 == self.total
        return prev + 1, exact

    def _reconcile_later(self) -> None:
        """An exact count, later and rarely: soon for a small view (a count capped at
        COUNT_CAP), every five minutes at most for a large one (ten million rows take a
        second on PostgreSQL, on every workstation)."""
        if self._reconcile_timer is None:
            self._reconcile_timer = QTimer(self)
            self._reconcile_timer.setSingleShot(True)
            self._reconcile_timer.timeout.connect(self._reconcile)
        if not self._reconcile_timer.isActive():
            self._reconcile_timer.start(RECONCILE_SMALL_MS if self.total <= COUNT_CAP else RECONCILE_LARGE_MS)

    def _reconcile(self) -> None:
        if self._live_busy or self._live_pending:
            self._reconcile_later()   # a count taken now would miss what is still arriving
            return
        gen, spec, actor, queue = self._generation, self.spec, self.ctx.actor, self.ctx.queue
        if self.total > COUNT_CAP:
            # A large view: its skeleton anew, which counts it exactly in the same scan
            # and puts the jumps' anchors back where the rows are. One never read (a view
            # shown by its estimate) waits for a jump to need it.
            if self._skeleton is not None:
                self._build_skeleton(gen)
            return

        def work() -> int:
            return queue.count_upto(spec, actor, COUNT_CAP)

        def done(total: int) -> None:
            if gen != self._generation:
                return
            if total > COUNT_CAP:
                self._reconcile_later()       # it grew past the cap: count it exactly, later
                return
            if total != self.total:
                self._resize(total)
                self.loaded.emit(self.total)

        self.ctx.runner.read(work, done, self._on_failed, owner=self)

    def _remove_row(self, r: int) -> None:
        self.beginRemoveRows(QModelIndex(), r, r)
        self._shift(r, -1)
        self.total -= 1
        self.endRemoveRows()

    def _insert_row(self, r: int, row: QueueRow | None) -> None:
        """A row at ``r``; None: a row not read yet (``data()`` asks for its page)."""
        self.beginInsertRows(QModelIndex(), r, r)
        self._shift(r, +1)
        self.total += 1
        if row is not None:
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
        """Re-read the rows we hold, keeping positions (after a reconnect), and the count:
        capped here, exact in the background for a large view (it costs seconds there)."""
        gen, spec, actor, queue = self._generation, self.spec, self.ctx.actor, self.ctx.queue
        held = sorted(self._rows)
        first = held[0] if held else 0
        span = min(max(len(held), self.page_size), MAX_CACHED_ROWS // 2)
        # Where the held rows start, from the skeleton as it stands (it may have drifted
        # while the connection was gone; a new one follows with the exact count).
        anchor, skip = self._skeleton.seek(first) if self._skeleton is not None else (None, first)

        def work() -> tuple[int, list[QueueRow]]:
            total = queue.count_upto(spec, actor, COUNT_CAP)
            return total, queue.page_from(spec, actor, anchor, skip, span)

        def done(res: tuple[int, list[QueueRow]]) -> None:
            if gen != self._generation:
                return
            total, rows = res
            self.layoutAboutToBeChanged.emit()
            self._rows.clear()
            self._row_of.clear()
            self._pending_pages.clear()
            self._store(first, rows)
            self.layoutChanged.emit()
            if total <= COUNT_CAP and total != self.total:
                self._resize(total)
            elif total > COUNT_CAP and (self._skeleton is not None or self.count_estimate is None):
                self._build_skeleton(gen)
            self.loaded.emit(self.total)

        self.ctx.runner.read(work, done, self._on_failed, owner=self)


def _local(when: dt.datetime | None, site: Site) -> str:
    if when is None:
        return ""
    return site.local(when).strftime("%Y-%m-%d %H:%M")
