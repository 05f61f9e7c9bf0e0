"""The ticket's task checklist (from its incident model). On a walk-in repair it is the
counter's own checklist widget, so its ticks follow the counter's rule
(``desk.counter.checklist``), not a copy of it."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGroupBox, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from desk.workstation.detail import TicketDetail

if TYPE_CHECKING:
    from ui.context import DeskContext
    from ui.counter.checklist_widget import RepairChecklistWidget


class TasksSection(QGroupBox):
    task_toggled = Signal(int, int, bool)     # task id, its version, done
    checklist_changed = Signal()              # the repair checklist saved something

    def __init__(self, ctx: DeskContext, number: str, parent: QWidget | None = None) -> None:
        super().__init__("Tasks", parent)
        self.ctx, self.number = ctx, number
        self.lay = QVBoxLayout(self)
        self.list = QListWidget()
        self.list.setAccessibleName("Task checklist")
        self.list.setMaximumHeight(170)
        self.list.itemChanged.connect(self._on_item_changed)
        self.lay.addWidget(self.list)
        self.repair_checklist: RepairChecklistWidget | None = None

    def reset(self, number: str) -> None:
        """Empty, for ``number`` (the page is reused): a repair checklist of the ticket before
        goes, with the answers it still waits for."""
        self.number = number
        self.list.blockSignals(True)
        self.list.clear()
        self.list.blockSignals(False)
        if self.repair_checklist is not None:
            self.lay.removeWidget(self.repair_checklist)
            self.repair_checklist.deleteLater()
            self.repair_checklist = None
            self.list.show()
            self.setTitle("Tasks")

    def fill(self, detail: TicketDetail) -> None:
        if detail.is_repair:
            self._show_repair_checklist()
            return
        self.list.blockSignals(True)
        self.list.clear()
        for t in detail.tasks:
            text = f"{t.position}. {t.title}" + (f"  ({t.condition})" if t.condition else "")
            if t.done and t.done_by:
                text += f" — done by {t.done_by}"
            item = QListWidgetItem(text)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if t.done else Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, (t.id, t.version))
            self.list.addItem(item)
        if not detail.tasks:
            self.list.addItem("No tasks (no incident model).")
        self.list.blockSignals(False)

    def _show_repair_checklist(self) -> None:
        """The counter's checklist widget in place of the plain list (built once, then re-read)."""
        if self.repair_checklist is None:
            from ui.counter.checklist_widget import RepairChecklistWidget

            widget = RepairChecklistWidget.for_desk(self.ctx, self.number, self)
            widget.changed.connect(lambda _number: self.checklist_changed.emit())
            self.list.hide()
            self.lay.addWidget(widget)
            self.setTitle("Repair checklist")
            self.repair_checklist = widget
        else:
            self.repair_checklist.reload()

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        data = item.data(Qt.ItemDataRole.UserRole)
        if data:
            task_id, version = data
            self.task_toggled.emit(task_id, version, item.checkState() == Qt.CheckState.Checked)
