"""Incident models editor (supervisors): defaults, required fields and the task checklist.

The models are read and saved through the runner: while it works the list and Save
wait (disabled, "Loading…"/"Saving…"), and what was typed stays in the form when a
save fails."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk.common.models import REPAIR_MODEL
from desk.errors import ConflictError
from desk.incident_models import ModelSpec, ModelView, TaskTemplate
from desk.incident_models.service import REQUIRABLE, priority_preview
from desk.rules import choices, labels
from ui import combos
from ui.counter.context import CounterContext
from ui.errors import describe
from ui.screen_fit import Dialog
from ui.wheel_guard import ComboBox

# No channel of its own: a ticket opened from the model takes the channel it is opened
# with (phone when none is given).
NO_CHANNEL = ("(no default)", "")


def tasks_text(tasks: tuple[TaskTemplate, ...]) -> str:
    return "\n".join(t.title + (f" | {t.condition}" if t.condition else "") for t in tasks)


def parse_tasks(text: str) -> tuple[TaskTemplate, ...]:
    """One task a line; "Title | condition" for a task that may not apply."""
    out = []
    for line in text.splitlines():
        title, _, condition = line.partition("|")
        if title.strip():
            out.append(TaskTemplate(title.strip(), condition.strip() or None))
    return tuple(out)


class IncidentModelEditor(Dialog):
    def __init__(self, cc: CounterContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cc = cc
        self.models: list[ModelView] = []
        self.current: ModelView | None = None
        self.setWindowTitle("Incident models")
        self.setObjectName("IncidentModelEditor")
        self.list = QListWidget()
        self.list.setAccessibleName("Incident models")
        self.list.currentRowChanged.connect(self._on_list_current_row_changed)
        self.new_btn = QPushButton("&New model")
        self.new_btn.clicked.connect(self.new_model)
        self.name = QLineEdit()
        self.label = QLineEdit()
        self.service = ComboBox()
        self.category = ComboBox()
        self.category.setEditable(True)
        self.impact = ComboBox()
        combos.fill(self.impact, labels.options(choices.IMPACTS, labels.impact))
        self.urgency = ComboBox()
        combos.fill(self.urgency, labels.options(choices.URGENCIES, labels.urgency))
        self.priority = QLabel("")
        self.channel = ComboBox()
        combos.fill(self.channel, (NO_CHANNEL, *labels.options(choices.CHANNELS, labels.channel)))
        self.required = {f: QCheckBox(labels.field(f)) for f in REQUIRABLE}
        self.sla = QLineEdit()
        self.sla.setPlaceholderText("empty: the service's SLA")
        self.active = QCheckBox("Active (offered when opening tickets)")
        self.description = QPlainTextEdit()
        self.description.setMaximumHeight(70)
        self.tasks = QPlainTextEdit()
        self.tasks.setPlaceholderText("One task a line. Title | condition, e.g.\nBack up data | if backup consented")
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.save_btn = QPushButton("&Save")
        self.save_btn.clicked.connect(self.save)
        for box in (self.impact, self.urgency):
            box.currentIndexChanged.connect(self._show_priority)
        req = QHBoxLayout()
        for tick in self.required.values():
            req.addWidget(tick)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Label", self.label)
        form.addRow("Service", self.service)
        form.addRow("Category", self.category)
        form.addRow("Impact", self.impact)
        form.addRow("Urgency", self.urgency)
        form.addRow("Priority", self.priority)
        form.addRow("Channel", self.channel)
        form.addRow("Required", req)
        form.addRow("SLA override", self.sla)
        form.addRow("", self.active)
        form.addRow("Description", self.description)
        form.addRow("Task checklist", self.tasks)
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        left.addWidget(self.new_btn)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(self.message)
        right.addWidget(self.save_btn)
        lay = QHBoxLayout(self)
        lay.addLayout(left, 1)
        lay.addLayout(right, 3)
        self.resize(900, 640)
        models = cc.counter.models
        self._set_busy("Loading…")
        cc.runner.read(lambda: (models.choices(), models.list(include_inactive=True)), self._on_loaded,
                       self._on_load_failed, owner=self)

    # -- reading -----------------------------------------------------------------------
    def _set_busy(self, words: str | None) -> None:
        """``words`` while the runner reads or saves (the list and Save wait); None when done."""
        for w in (self.list, self.new_btn, self.save_btn):
            w.setEnabled(words is None)
        if words is not None:
            self.message.setText(words)

    def _on_loaded(self, loaded: tuple[tuple[list[str], list[str]], list[ModelView]]) -> None:
        (services, categories), models = loaded
        self.service.addItems(["", *services])
        self.category.addItems(["", *categories])
        self._fill(models, None, "")

    def _on_load_failed(self, exc: BaseException) -> None:
        self._set_busy(None)
        self.message.setText(describe(exc))

    def reload(self, select: str | None = None, message: str = "") -> None:
        """Re-read the models, then select ``select`` and say ``message``."""
        self._set_busy("Loading…")
        self.cc.runner.read(lambda: self.cc.counter.models.list(include_inactive=True),
                            lambda models: self._fill(models, select, message), self._on_load_failed, owner=self)

    def _fill(self, models: list[ModelView], select: str | None, message: str) -> None:
        self._set_busy(None)
        # The walk-in laptop repair is the model the counter lives by: first, the rest by name.
        self.models = sorted(models, key=lambda m: (m.name != REPAIR_MODEL, m.name))
        self.list.clear()
        for m in self.models:
            item = QListWidgetItem(f"{m.label}{'' if m.active else ' (retired)'}\n{m.priority} · "
                                   f"{m.service or 'no default service'} · {labels.count(len(m.tasks), 'task')}")
            item.setToolTip(m.name)
            self.list.addItem(item)
        names = [m.name for m in self.models]
        self.list.setCurrentRow(names.index(select) if select in names else 0 if names else -1)
        self.message.setText(message)  # after the row's form, which clears it

    def _on_list_current_row_changed(self, row: int) -> None:
        if 0 <= row < len(self.models):
            self._show(self.models[row])

    def _show(self, m: ModelView | None) -> None:
        self.current = m
        spec = m or ModelSpec(name="", label="", service=None, category=None, impact="low", urgency="medium")
        self.name.setText(spec.name)
        self.name.setReadOnly(m is not None)
        self.label.setText(spec.label)
        self.service.setCurrentText(spec.service or "")
        self.category.setCurrentText(spec.category or "")
        combos.select(self.impact, spec.impact)
        combos.select(self.urgency, spec.urgency)
        combos.select(self.channel, spec.channel or "")
        for f, box in self.required.items():
            box.setChecked(f in spec.required_fields)
        self.sla.setText(spec.sla_override or "")
        self.active.setChecked(spec.active)
        self.description.setPlainText(spec.description)
        self.tasks.setPlainText(tasks_text(spec.tasks))
        self.message.setText("")
        self._show_priority()

    def _show_priority(self) -> None:
        label = priority_preview(self.impact.currentData(), self.urgency.currentData())
        self.priority.setText(f"{label} (derived from impact × urgency)")

    def new_model(self) -> None:
        self.list.clearSelection()
        self._show(None)
        self.name.setFocus()

    def spec(self) -> ModelSpec:
        return ModelSpec(
            name=self.name.text().strip(), label=self.label.text().strip(), service=self.service.currentText() or None,
            category=self.category.currentText().strip() or None, impact=self.impact.currentData(),
            urgency=self.urgency.currentData(), description=self.description.toPlainText(),
            channel=combos.value(self.channel),
            required_fields=tuple(f for f, b in self.required.items() if b.isChecked()),
            sla_override=self.sla.text().strip() or None, tasks=parse_tasks(self.tasks.toPlainText()),
            active=self.active.isChecked(),
        )

    # -- saving ------------------------------------------------------------------------
    def save(self) -> None:
        spec, base = self.spec(), self.current.version if self.current else None
        actor, models = self.cc.actor, self.cc.counter.models
        self._set_busy("Saving…")
        self.cc.runner.write(lambda: models.save(actor, spec, base_version=base), self._on_saved,
                             lambda exc: self._on_save_failed(spec.name, exc), owner=self)

    def _on_saved(self, saved: ModelView) -> None:
        self.reload(saved.name, f"Saved {saved.name} (version {saved.version}).")

    def _on_save_failed(self, name: str, exc: BaseException) -> None:
        if isinstance(exc, ConflictError):
            self.reload(name, "Someone else changed this model meanwhile; it has been reloaded.")
            return
        self._set_busy(None)  # the form keeps what was typed: fix it and Save again
        self.message.setText(describe(exc))
