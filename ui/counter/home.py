"""The Counter page: the walk-in counter's place in the main window.

At rest it shows what is waiting at the desk (repairs ready to hand back, the ones still in
the workshop, loaners overdue) under a scan field and the counter's buttons. An intake or a
pickup opens inside the page, in place of the lists, so the navigation, the queue and the
open tickets stay one click away while a customer is at the desk; leaving the page and
coming back finds the intake where it was (its draft is saved as it goes, too).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.counter.board import CounterBoard, WaitingRepair
from desk.rules import labels
from ui.counter.context import CounterContext
from ui.errors import describe

READY_COLUMNS = ("Ticket", "Customer", "Device", "Ready since", "Loaner")
WORKSHOP_COLUMNS = ("Ticket", "Customer", "Device", "Status", "In since", "Loaner")
FORM_MAX_WIDTH = 1000
REFRESH_MS = 400   # changes come in bursts (a save is several): one re-read after the last


class WaitingTable(QTableWidget):
    """A short list of waiting repairs (a few hundred at most); Enter or a double click
    acts on the selected one."""

    chosen = Signal(str)   # ticket number

    def __init__(self, columns: tuple[str, ...], name: str, parent: QWidget | None = None) -> None:
        super().__init__(0, len(columns), parent)
        self.setHorizontalHeaderLabels(columns)
        self.setAccessibleName(name)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        self.setWordWrap(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)   # the device: the long one
        self.cellDoubleClicked.connect(lambda row, _col: self._choose(row))

    def fill(self, rows: list[tuple[str, ...]], overdue: list[bool]) -> None:
        keep = self.selected_number()
        self.setRowCount(len(rows))
        for r, (cells, late) in enumerate(zip(rows, overdue, strict=True)):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if late and c == len(cells) - 1:
                    # Never colour alone: the cell says "overdue" too.
                    item.setForeground(Qt.GlobalColor.red)
                self.setItem(r, c, item)
            if cells[0] == keep:
                self.selectRow(r)

    def selected_number(self) -> str | None:
        row = self.currentRow()
        item = self.item(row, 0) if row >= 0 else None
        return item.text() if item is not None else None

    def _choose(self, row: int) -> None:
        item = self.item(row, 0)
        if item is not None:
            self.chosen.emit(item.text())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentRow() >= 0:
            self._choose(self.currentRow())
            return
        super().keyPressEvent(event)


class CounterHome(QWidget):
    """The Counter page. ``Counter`` (ui.counter.install) owns the actions and hands the
    intake wizard and the pickup form to ``host``; this page shows them and the lists."""

    ticket_opened = Signal(str)
    pickup_requested = Signal(str)        # a ready repair chosen, or a slip scanned
    intake_requested = Signal()
    loaner_pool_requested = Signal()
    reprint_requested = Signal()

    def __init__(self, cc: CounterContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cc = cc
        self.board: CounterBoard | None = None
        self.setObjectName("CounterHome")
        self.setAccessibleName("Counter")
        self.scan = QLineEdit()
        self.scan.setPlaceholderText("Scan a pickup slip or type its ticket number, then Enter")
        self.scan.setAccessibleName("Scan a slip for pickup")
        self.scan.setClearButtonEnabled(True)
        self.scan.returnPressed.connect(self._on_scanned)
        self.intake_btn = QPushButton("New &walk-in repair")
        self.pickup_btn = QPushButton("&Pickup")
        self.pool_btn = QPushButton("&Loaner pool")
        self.reprint_btn = QPushButton("&Reprint slip and tag")
        self.home_btn = QPushButton("&Back to the counter lists")
        self.intake_btn.clicked.connect(self.intake_requested)
        self.pickup_btn.clicked.connect(lambda: self.pickup_requested.emit(""))
        self.pool_btn.clicked.connect(self.loaner_pool_requested)
        self.reprint_btn.clicked.connect(self.reprint_requested)
        self.home_btn.clicked.connect(self.show_lists)
        top = QHBoxLayout()
        top.addWidget(self.scan, 1)
        top.addStretch(0)   # takes the room when the scan field is hidden (a form in front)
        for b in (self.intake_btn, self.pickup_btn, self.pool_btn, self.reprint_btn, self.home_btn):
            top.addWidget(b)

        self.ready_title = QLabel("Ready for pickup")
        self.workshop_title = QLabel("In the workshop")
        for title in (self.ready_title, self.workshop_title):
            title.setStyleSheet("font-weight: bold; font-size: 11pt;")
        self.ready = WaitingTable(READY_COLUMNS, "Ready for pickup")
        self.workshop = WaitingTable(WORKSHOP_COLUMNS, "In the workshop")
        self.ready.chosen.connect(self.pickup_requested)
        self.workshop.chosen.connect(self.ticket_opened)
        self.loans_line = QLabel("")
        self.loans_line.setTextFormat(Qt.TextFormat.RichText)
        self.loans_line.linkActivated.connect(lambda _href: self.loaner_pool_requested.emit())
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #a3180e; font-weight: bold;")
        lists = QWidget()
        col = QVBoxLayout(lists)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.ready_title)
        col.addWidget(self.ready, 1)
        col.addWidget(self.workshop_title)
        col.addWidget(self.workshop, 1)
        col.addWidget(self.loans_line)
        self.lists = lists
        self.stack = QStackedWidget()
        self.stack.addWidget(lists)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.message)
        lay.addWidget(self.stack, 1)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self._stale = False
        cc.changes.changed.connect(lambda _change: self._on_changed())
        self._update_buttons()
        self.refresh()

    # -- the lists ---------------------------------------------------------------------
    def refresh(self) -> None:
        self._stale = False
        self.cc.runner.read(self.cc.counter.board.board, self._on_board, self._on_error, owner=self)

    def _on_changed(self) -> None:
        # Hidden (another page in front): re-read when it comes back, not on every change.
        if self.isVisible():
            self._refresh_timer.start()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()
        if self.stack.currentWidget() is self.lists:
            # The barcode scanner types into whatever has focus: the scan field, ready.
            QTimer.singleShot(0, self.scan.setFocus)

    def _on_board(self, board: CounterBoard) -> None:
        self.board = board
        self.message.setText("")
        site = self.cc.counter.site

        def since(when: dt.datetime | None) -> str:
            return f"{site.local(when):%a %d %b %H:%M}" if when else ""

        def loaner(r: WaitingRepair) -> str:
            if r.loaner_due_at is None:
                return ""
            due = f"due {site.local(r.loaner_due_at):%a %d %b}"
            return f"overdue ({due})" if board.overdue_loan(r) else due

        self.ready.fill([(r.number, r.customer, r.device, since(r.ready_at), loaner(r)) for r in board.ready],
                        [board.overdue_loan(r) for r in board.ready])
        self.workshop.fill([(r.number, r.customer, r.device, labels.status(r.status), since(r.intake_at), loaner(r))
                            for r in board.workshop], [board.overdue_loan(r) for r in board.workshop])
        self.ready_title.setText(self._title("Ready for pickup", len(board.ready), board.ready_total))
        self.workshop_title.setText(self._title("In the workshop", len(board.workshop), board.workshop_total))
        if board.loans_overdue:
            self.loans_line.setText(f"<b>{labels.count(board.loans_overdue, 'loaner')} overdue</b> — "
                                    "<a href='pool'>open the loaner pool</a>")
        else:
            self.loans_line.setText("No loaner is overdue.")

    @staticmethod
    def _title(name: str, shown: int, total: int) -> str:
        if total > shown:
            return f"{name} ({total:,}; the oldest {shown:,} shown)"
        return f"{name} ({total:,})"

    def _on_error(self, exc: BaseException) -> None:
        self.message.setText(f"The counter lists could not be read: {describe(exc)}")

    def _on_scanned(self) -> None:
        text = self.scan.text().strip()
        if text:
            self.scan.clear()
            self.pickup_requested.emit(text.upper())

    # -- what the page hosts -------------------------------------------------------------
    def host(self, form: QDialog, on_done: Callable[[], object] | None = None) -> QDialog:
        """Show ``form`` (the intake wizard or the pickup form, built as dialogs) inside the
        page in place of the lists; when it finishes (completed or cancelled) the lists come
        back, re-read."""
        form.setWindowFlags(Qt.WindowType.Widget)
        # A form a person reads top to bottom: not stretched across a wide screen.
        form.setMaximumWidth(FORM_MAX_WIDTH)
        self.stack.addWidget(form)
        self.stack.setCurrentWidget(form)

        def finished(_result: int) -> None:
            # A form behind the one in front can end too (the intake's write answered while
            # the next customer's pickup is open): that one stays where the user is.
            in_front = self.stack.currentWidget() is form
            self.stack.removeWidget(form)
            form.deleteLater()
            if on_done is not None:
                on_done()
            if in_front:
                self.show_lists()
            else:
                self._update_buttons()
            self.refresh()

        form.finished.connect(finished)
        # On a page Escape is not "close this window": a QDialog would cancel the form at
        # once (a pickup with its signature, silently). Its Cancel button and Back end it.
        form.installEventFilter(self)
        self._update_buttons()
        form.show()
        return form

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.matches(QKeySequence.StandardKey.Cancel) and isinstance(watched, QDialog)):
            return True
        return super().eventFilter(watched, event)

    def hosted(self, cls: type) -> QDialog | None:
        """The form of class ``cls`` under way in the page, if any."""
        for i in range(self.stack.count()):
            w = self.stack.widget(i)
            if isinstance(w, cls):
                return w  # type: ignore[return-value]
        return None

    def bring_forward(self, form: QWidget) -> None:
        self.stack.setCurrentWidget(form)
        self._update_buttons()

    def show_lists(self) -> None:
        self.stack.setCurrentWidget(self.lists)
        self._update_buttons()
        self.scan.setFocus()

    def _update_buttons(self) -> None:
        at_lists = self.stack.currentWidget() is self.lists
        self.home_btn.setVisible(not at_lists)
        # The form in front has its own scan field: one is enough.
        self.scan.setVisible(at_lists)
        # A form under way but not in front: its button brings it back, and says so.
        names = {w.objectName() for i in range(1, self.stack.count()) if (w := self.stack.widget(i)) is not None}
        self.intake_btn.setText("Walk-in repair &under way" if "IntakeWizard" in names else "New &walk-in repair")
        self.pickup_btn.setText("Pickup under &way" if "PickupDialog" in names else "&Pickup")
