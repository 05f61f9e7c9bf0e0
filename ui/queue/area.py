"""The centre of the workstation: search and scan fields above the queue of the chosen view.

A search replaces the view's tickets with the matches (newest first) until the field is
cleared; a scan (ticket label, asset tag, ID card, problem number) is resolved off the
GUI thread and opens what it names or shows that person's or device's tickets.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from desk.queue.spec import QueueFilter, QueueSpec
from desk.workstation.scan import ScanResult
from ui import settings as S
from ui.context import DeskContext
from ui.errors import describe
from ui.queue.model import QueueModel
from ui.queue.view import QueueView
from ui.queue.views_panel import ViewEntry


class QueueArea(QWidget):
    ticket_opened = Signal(str)      # an incident number to open
    problem_opened = Signal(str)     # a problem number to open
    message = Signal(str, int)       # words for the status bar, how long (ms)
    left_view = Signal()             # the queue shows a list of its own (search, scan), no view
    back_to_view = Signal(str)       # the search was cleared: the view's key is shown again

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.view: ViewEntry | None = None
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search tickets: number, title, description, caller, asset tag…  (Ctrl+F)")
        self.search.setAccessibleName("Search tickets")
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self._on_search)
        self.search.textChanged.connect(lambda t: None if t else self._on_search())
        self.scan = QLineEdit(self)
        self.scan.setPlaceholderText("Scan: ticket, asset tag or ID card  (Ctrl+B)")
        self.scan.setAccessibleName("Scan field")
        self.scan.setMaximumWidth(320)
        self.scan.returnPressed.connect(self._on_scan)
        self.model = QueueModel(ctx, self, page_size=ctx.settings.get(S.PAGE_SIZE))
        self.queue = QueueView(ctx, self.model, self)
        self.queue.ticket_opened.connect(self.ticket_opened)
        self.title = QLabel(self)
        self.title.setAccessibleName("Queue title")
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.scan)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(top)
        lay.addWidget(self.title)
        lay.addWidget(self.queue, 1)

    def show_view(self, entry: ViewEntry) -> None:
        """The chosen view's tickets (a search in progress is cleared, quietly)."""
        self.view = entry
        if self.search.text().strip():
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
        self.show_spec(entry.spec, entry.name)

    def show_spec(self, spec: QueueSpec, title: str) -> None:
        self.title.setText(title)
        self.queue.show_sort(spec.sort, spec.descending)
        if spec.columns and self.view is not None and self.view.saved_id:
            self.queue.set_columns(spec.columns)
        self.model.set_spec(spec)

    def current_spec(self) -> QueueSpec:
        """What is shown now, with the columns as the user arranged them (for Save view as…)."""
        spec = self.model.spec
        return QueueSpec(spec.filter, spec.sort, spec.descending, self.queue.visible_columns())

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _on_search(self) -> None:
        text = self.search.text().strip()
        if not text:
            if self.view is not None:
                self.show_spec(self.view.spec, self.view.name)
                self.back_to_view.emit(self.view.key)
            return
        # Newest tickets first: id order needs no table visit per match.
        self.show_spec(QueueSpec(QueueFilter(search=text), sort="number", descending=True), f"Search: {text}")
        self.left_view.emit()

    def _show_scanned(self, spec: QueueSpec, title: str, search: str) -> None:
        self.search.blockSignals(True)
        self.search.setText(search)
        self.search.blockSignals(False)
        self.show_spec(spec, title)
        self.left_view.emit()

    def _on_scan(self) -> None:
        code = self.scan.text().strip()
        self.scan.clear()
        if not code:
            return
        self.ctx.runner.read(lambda: self.ctx.scan.resolve(code), self._on_scanned,
                             lambda exc: self.message.emit(describe(exc), 10000), owner=self)

    def _on_scanned(self, result: ScanResult) -> None:
        self.message.emit(f"Scanned {result.label}", 5000)
        if result.kind == "incident":
            self.ticket_opened.emit(result.key)
        elif result.kind == "person":
            self._show_scanned(QueueSpec(QueueFilter(caller=result.key), sort="updated", descending=True),
                               f"Tickets of {result.label}", "")
        elif result.kind == "device":
            # The device's history is a search for its tag: the search box says so.
            self._show_scanned(QueueSpec(QueueFilter(search=result.key), sort="updated", descending=True),
                               f"Device history: {result.label}", result.key)
        elif result.kind == "problem":
            self.problem_opened.emit(result.key)
