"""RepairChecklistWidget: the model's task checklist on a repair ticket, for the ticket detail view.

Ticking "Order parts" offers Pending (parts); ticking "Notify customer" marks the laptop
ready for pickup (a public note tells the customer).
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QLabel, QVBoxLayout, QWidget

from desk.common.lookups import normalise_number
from desk.counter.checklist import ChecklistState
from desk.rules import labels, lifecycle
from ui.counter.context import CounterContext
from ui.errors import describe


def normalise(number: str) -> str:
    return normalise_number(number, "INC")


class RepairChecklistWidget(QWidget):
    changed = Signal(str)  # the ticket number, after any change this widget saved

    def __init__(self, cc: CounterContext, number: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cc = cc
        self.number = normalise(number)
        self.state: ChecklistState | None = None
        self.setAccessibleName(f"Repair checklist of {number}")
        self.header = QLabel("")
        self.boxes: list[QCheckBox] = []
        self.lay = QVBoxLayout(self)
        self.lay.setContentsMargins(0, 0, 0, 0)
        self.lay.addWidget(self.header)
        self.list_lay = QVBoxLayout()
        self.lay.addLayout(self.list_lay)
        self.lay.addStretch(1)
        self.reload()

    @classmethod
    def for_desk(cls, ctx: Any, number: str, parent: QWidget | None = None) -> RepairChecklistWidget:
        """Built from the main window's DeskContext (what the ticket detail view holds)."""
        return cls(CounterContext.from_desk(ctx), number, parent)

    def reload(self) -> None:
        self.cc.runner.read(lambda: self.cc.counter.checklist.state(self.number), self._show, self._on_error,
                            owner=self)

    def _show(self, state: ChecklistState) -> None:
        self.state = state
        for b in self.boxes:
            b.deleteLater()
        self.boxes = []
        closed = state.status in lifecycle.FINAL
        for t in state.tasks:
            text = f"{t.position}. {t.title}" + (f"  ({t.condition})" if t.condition else "")
            if t.skipped:
                text += " — not needed"
            if t.done and t.done_by:
                text += f" — {t.done_by}, {self.cc.counter.site.local(t.done_at):%Y-%m-%d}" if t.done_at else ""
            box = QCheckBox(text)
            box.setChecked(t.done)
            box.setEnabled(not closed)
            box.setProperty("task_id", t.id)
            box.setProperty("task_version", t.version)
            box.toggled.connect(lambda on, tid=t.id, ver=t.version: self._on_task_toggled(tid, ver, on))
            self.list_lay.addWidget(box)
            self.boxes.append(box)
        ready = " · <b style='color:#0a6b2a'>ready for pickup</b>" if state.ready_for_pickup else ""
        self.header.setText(f"<b>Repair checklist</b> — status {labels.status(state.status)}{ready}")

    def _on_task_toggled(self, task_id: int, version: int, on: bool) -> None:
        self.cc.runner.write(
            lambda: self.cc.counter.checklist.set_done(self.cc.actor, self.number, task_id, on, base_version=version),
            self._after_tick, self._on_error, owner=self)

    def _after_tick(self, state: ChecklistState) -> None:
        self._show(state)
        self.changed.emit(self.number)
        if state.offer == "pending_parts" and self.cc.dialogs.confirm(
                self, "Order parts", f"Move {self.number} to Pending (parts)? The SLA clock pauses until the "
                                     "parts arrive."):
            parts = self.cc.dialogs.ask_text(self, "Order parts", "Parts ordered (comma-separated):") or ""
            self.cc.runner.write(
                lambda: self.cc.counter.checklist.order_parts(self.cc.actor, self.number, parts.split(",")),
                self._after_order, self._on_error, owner=self)

    def _after_order(self, state: ChecklistState) -> None:
        self._show(state)
        self.changed.emit(self.number)

    def _on_error(self, exc: BaseException) -> None:
        self.cc.dialogs.error(self, "Checklist", describe(exc))
        self.reload()
