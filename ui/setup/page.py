"""The Set-up page: the sections this login may use on the left, the chosen one on the
right. Sections are built when first chosen and kept, so an edit half-typed in one
survives a look at another."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QStackedWidget, QWidget

from ui.actions import icon
from ui.context import DeskContext
from ui.setup.sections import Section, visible


class SetupPage(QWidget):
    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("setup_page")
        self.ctx = ctx
        self.sections: list[Section] = visible(ctx)
        self.built: dict[str, QWidget] = {}
        self.list = QListWidget(self)
        self.list.setObjectName("setup_sections")
        self.list.setMaximumWidth(220)
        self.stack = QStackedWidget(self)
        for s in self.sections:
            item = QListWidgetItem(icon(s.icon), s.title)
            item.setData(Qt.ItemDataRole.UserRole, s.key)
            item.setToolTip(s.tip)
            self.list.addItem(item)
        if not self.sections:
            self.stack.addWidget(QLabel("Nothing here may be set up with this login.", self))
        layout = QHBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(self.stack, 1)
        self.list.currentRowChanged.connect(self._show_row)
        if self.sections:
            self.list.setCurrentRow(0)

    def _show_row(self, row: int) -> None:
        if 0 <= row < len(self.sections):
            self.show_section(self.sections[row].key)

    def show_section(self, key: str) -> QWidget:
        """Bring section ``key`` forward (building it the first time); returns its widget."""
        section = next(s for s in self.sections if s.key == key)
        widget = self.built.get(key)
        if widget is None:
            widget = section.make(self.ctx, self.stack)
            widget.setObjectName(f"setup_{key}")
            self.built[key] = widget
            self.stack.addWidget(widget)
        self.stack.setCurrentWidget(widget)
        row = self.sections.index(section)
        if self.list.currentRow() != row:
            self.list.setCurrentRow(row)
        return widget
