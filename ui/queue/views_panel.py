"""The left pane: built-in and saved views, each with its live count."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QFont
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from desk.queue.spec import BUILTIN_VIEWS, QueueSpec
from ui.context import DeskContext
from ui.errors import describe
from ui.queue import operations as ops

log = logging.getLogger(__name__)
KEY_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class ViewEntry:
    key: str          # builtin key, or "saved:<id>"
    name: str
    spec: QueueSpec
    saved_id: int | None = None
    kind: str = "incidents"     # "problems": the Problems view lists problem records


PAGE_PREFIX = "page:"


class _NavigationList(QListWidget):
    """A list whose current item changes only when someone chooses one.

    Qt makes the first item current when a list with none gets keyboard focus. Here that
    would open a page: at start-up the features' pages are listed before the views are
    read, and focus landing on the list then opened the first page instead of the view
    the user left (the start-up test saw it on a loaded machine)."""

    def focusInEvent(self, event: QFocusEvent) -> None:
        none_before = self.currentItem() is None
        self.blockSignals(True)
        try:
            super().focusInEvent(event)
            if none_before and self.currentItem() is not None:
                self.setCurrentRow(-1)
        finally:
            self.blockSignals(False)


class ViewsPanel(QWidget):
    """The navigation: the queue's views with their counts, the user's saved views, then
    the pages features bring (major-incident board, dashboard, loaner pool)."""

    view_chosen = Signal(object)  # ViewEntry
    page_chosen = Signal(str)     # a page's key, as given to add_page

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None, *, initial: str | None = None) -> None:
        """``initial``: the view to show once the list is read (the one the user left)."""
        super().__init__(parent)
        self.ctx = ctx
        self._initial = initial
        self._view_shown = False               # has the queue been given a view yet
        self.entries: dict[str, ViewEntry] = {}
        self.pages: dict[str, str] = {}        # key -> name, in the order added
        self.counts: dict[str, int] = {}
        self.list = _NavigationList(self)
        self.list.setAccessibleName("Views")
        self.list.setAccessibleDescription("Saved views with the number of tickets in each")
        self.list.currentItemChanged.connect(self._on_list_current_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(400)  # coalesce bursts of live changes
        self._count_timer.timeout.connect(self.refresh_counts)
        ctx.changes.changed.connect(lambda _change: self.schedule_counts())
        self.reload()

    def reload(self, select_key: str | None = None) -> None:
        """Rebuild the list (built-in views, then the user's own) and refresh counts."""
        def work() -> list[ViewEntry]:
            saved = self.ctx.saved_views.list(self.ctx.actor)
            return [ViewEntry(f"saved:{v.id}", v.name, v.spec, v.id) for v in saved]

        self.ctx.runner.read(work, lambda saved: self._fill(saved, select_key), owner=self)

    def _fill(self, saved: list[ViewEntry], select_key: str | None) -> None:
        # An explicit choice, else what the user picked while the list was read (a page,
        # say), else the view they left last time.
        current = select_key or self.current_key() or self._initial
        initial, self._initial = self._initial, None
        self.entries = {v.key: ViewEntry(v.key, v.name, v.spec, kind=v.kind) for v in BUILTIN_VIEWS}
        self.entries.update({v.key: v for v in saved})
        self.list.blockSignals(True)
        self.list.clear()
        for i, entry in enumerate(self.entries.values()):
            if entry.saved_id is not None and (i == 0 or list(self.entries.values())[i - 1].saved_id is None):
                header = QListWidgetItem("My saved views")
                header.setFlags(Qt.ItemFlag.NoItemFlags)
                font = QFont()
                font.setBold(True)
                header.setFont(font)
                self.list.addItem(header)
            item = QListWidgetItem(self._label(entry))
            item.setData(KEY_ROLE, entry.key)
            item.setToolTip(entry.name)
            self.list.addItem(item)
        self._add_pages()
        self.list.blockSignals(False)
        if str(current or "").startswith(PAGE_PREFIX) and not self._view_shown:
            # A page opened during start-up stays in front, and the queue behind it still
            # gets its view.
            first = initial if initial in self.entries else BUILTIN_VIEWS[0].key
            self.select(first)
        self.select(current if current and self._has(current) else BUILTIN_VIEWS[0].key)
        self.refresh_counts()

    def _has(self, key: str) -> bool:
        return any(self.list.item(i).data(KEY_ROLE) == key for i in range(self.list.count()))

    def add_page(self, key: str, name: str) -> None:
        """A page of a feature's, listed under "Pages"; choosing it emits ``page_chosen``."""
        self.pages[key] = name
        self.list.blockSignals(True)
        for i in reversed(range(self.list.count())):     # rebuild the pages section only
            data = self.list.item(i).data(KEY_ROLE)
            if (data is None and self.list.item(i).text() == "Pages") or str(data).startswith(PAGE_PREFIX):
                self.list.takeItem(i)
        self._add_pages()
        self.list.blockSignals(False)

    def _add_pages(self) -> None:
        if not self.pages:
            return
        header = QListWidgetItem("Pages")
        header.setFlags(Qt.ItemFlag.NoItemFlags)
        font = QFont()
        font.setBold(True)
        header.setFont(font)
        self.list.addItem(header)
        for key, name in self.pages.items():
            item = QListWidgetItem(name)
            item.setData(KEY_ROLE, PAGE_PREFIX + key)
            item.setToolTip(name)
            self.list.addItem(item)

    def _label(self, entry: ViewEntry) -> str:
        count = self.counts.get(entry.key)
        return f"{entry.name}  ({count:,})" if count is not None else entry.name

    def current_key(self) -> str | None:
        item = self.list.currentItem()
        return item.data(KEY_ROLE) if item is not None else None

    def current_entry(self) -> ViewEntry | None:
        key = self.current_key()
        return self.entries.get(key) if key else None

    def select(self, key: str) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(KEY_ROLE) == key:
                self.list.setCurrentItem(item)
                return

    def save_view_as(self, spec: QueueSpec, shown: ViewEntry | None) -> None:
        """Save what the queue shows (``spec``, with its columns) under a name asked for."""
        name = self.ctx.dialogs.ask_text(self, "Save view", "Name of the view:",
                                         shown.name if shown and shown.saved_id else "")
        if not name:
            return
        ops.save_view(self.ctx, name, spec).run(
            self, done=lambda v: self.reload(select_key=f"saved:{v.id}"), failed=self._failed)

    def delete_current(self) -> None:
        entry = self.current_entry()
        if entry is None or entry.saved_id is None:
            self.ctx.dialogs.error(self, "Delete view", "Only your own saved views can be deleted.")
            return
        if not self.ctx.dialogs.confirm(self, "Delete view", f"Delete the view {entry.name!r}?"):
            return
        ops.delete_view(self.ctx, entry.saved_id, entry.name).run(
            self, done=lambda _r: self.reload(select_key="my_open"), failed=self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.ctx.dialogs.error(self, "Desk", describe(exc))

    def clear_selection(self) -> None:
        """No view is what the queue shows now (a scan's or a search's own list): none
        stays highlighted as if it were."""
        self.list.blockSignals(True)
        self.list.setCurrentRow(-1)
        self.list.clearSelection()
        self.list.blockSignals(False)

    def highlight(self, key: str) -> None:
        """Show ``key`` as the current view without choosing it again (the queue shows it already)."""
        self.list.blockSignals(True)
        self.select(key)
        self.list.blockSignals(False)

    def schedule_counts(self) -> None:
        self._count_timer.start()

    def refresh_counts(self) -> None:
        specs = {k: e.spec for k, e in self.entries.items() if e.kind == "incidents"}
        problem_keys = [k for k, e in self.entries.items() if e.kind == "problems"]

        def work() -> dict[str, int]:
            counts = self.ctx.queue.counts(specs, self.ctx.actor)
            if problem_keys:   # open problem records
                n = self.ctx.services.problems.count()
                counts.update(dict.fromkeys(problem_keys, n))
            return counts

        self.ctx.runner.read(work, self._on_counts,
                             lambda exc: log.warning("view counts failed: %s", exc), owner=self)

    def _on_counts(self, counts: dict[str, int]) -> None:
        self.counts.update(counts)
        for i in range(self.list.count()):
            item = self.list.item(i)
            entry = self.entries.get(item.data(KEY_ROLE))
            if entry is not None:
                item.setText(self._label(entry))

    def _on_list_current_changed(self, current: QListWidgetItem | None, _prev: object) -> None:
        if current is None:
            return
        key = str(current.data(KEY_ROLE))
        if key.startswith(PAGE_PREFIX):
            self.page_chosen.emit(key.removeprefix(PAGE_PREFIX))
            return
        entry = self.entries.get(key)
        if entry is not None:
            self._view_shown = True
            self.view_chosen.emit(entry)
