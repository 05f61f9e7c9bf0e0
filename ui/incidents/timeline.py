"""The ticket's conversation: comments, work notes, status changes and the audit trail in
the order they happened (the newest at the bottom, beside the reply box), each kind
filterable; the reply box below it is always in sight, with Public (the caller reads it)
and Internal (staff only) as two unmistakable buttons."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk.common.site import Site
from desk.workstation.detail import TicketDetail
from ui.incidents.text import timeline_entries

KINDS = (("public", "Comments"), ("internal", "Work notes"), ("mail", "E-mail"), ("status", "Status"),
         ("sla", "SLA alerts"), ("audit", "Audit"))


class TimelineSection(QGroupBox):
    post_requested = Signal(bool)     # internal?

    def __init__(self, site: Site, parent: QWidget | None = None) -> None:
        super().__init__("Conversation", parent)
        self.site = site
        self.detail: TicketDetail | None = None
        lay = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.filters: dict[str, QCheckBox] = {}
        for kind, label in KINDS:
            box = QCheckBox(label)
            box.setChecked(True)
            box.toggled.connect(self._refill)
            self.filters[kind] = box
            filters.addWidget(box)
        self.comment_box = QPlainTextEdit()
        self.comment_box.setPlaceholderText("Write a comment or work note…")
        self.comment_box.setAccessibleName("Comment text")
        self.comment_box.setTabChangesFocus(True)
        self.comment_box.setMaximumHeight(110)
        self.comment_box.setMinimumHeight(60)
        buttons = QHBoxLayout()
        public = QPushButton("Send &comment (public: the caller reads it)")
        public.clicked.connect(lambda: self.post_requested.emit(False))
        note = QPushButton("Add work &note (internal: staff only)")
        note.clicked.connect(lambda: self.post_requested.emit(True))
        buttons.addWidget(public)
        buttons.addWidget(note)
        self.list = QListWidget()
        self.list.setAccessibleName("Timeline")
        self.list.setWordWrap(True)
        self.list.setSpacing(3)
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        lay.addLayout(filters)
        lay.addWidget(self.list, 1)
        lay.addWidget(self.comment_box)
        lay.addLayout(buttons)

    def draft(self) -> str:
        return self.comment_box.toPlainText()

    def clear(self) -> None:
        """No ticket, no draft, every kind shown again (the page is reused for another)."""
        self.detail = None
        self.list.clear()
        self.comment_box.clear()
        for box in self.filters.values():
            box.blockSignals(True)
            box.setChecked(True)
            box.blockSignals(False)

    def fill(self, detail: TicketDetail) -> None:
        self.detail = detail
        self._refill()

    def _refill(self) -> None:
        if self.detail is None:
            return
        shown = {k for k, box in self.filters.items() if box.isChecked()}
        self.list.clear()
        for kind, text in reversed(timeline_entries(self.detail, self.site)):   # oldest first
            if kind not in shown:
                continue
            item = QListWidgetItem(text)
            if kind == "internal":
                item.setBackground(QBrush(QColor(255, 248, 220)))
                item.setToolTip("Internal work note: staff only")
            elif kind == "public":
                item.setToolTip("Public comment: visible to the caller")
            elif kind == "mail":
                item.setToolTip("An e-mail Desk sent to the customer (or is still trying to)")
                if "NOT SENT" in text:
                    item.setForeground(QBrush(QColor(170, 20, 20)))
            elif kind == "sla":
                item.setToolTip("An SLA target at risk or breached, and who was told")
                item.setForeground(QBrush(QColor(150, 70, 0) if "at risk" in text else QColor(170, 20, 20)))
            else:
                item.setForeground(QBrush(QColor(90, 90, 90)))
            item.setData(Qt.ItemDataRole.UserRole, kind)
            self.list.addItem(item)
        self.list.scrollToBottom()       # the latest is next to the reply box
