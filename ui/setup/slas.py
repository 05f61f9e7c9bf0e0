"""Set-up → SLAs: each SLA's targets per priority, its versions and the services using it.

Targets are typed as on the command line ("30m", "4h", "3bd"). Saving first asks the
desk what the change would do to past tickets (the what-if, on a reader thread) and
shows it in the confirmation; a target that does not read is named under its field and
everything typed stays."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.errors import InvalidInput
from desk.rules import choices, labels
from desk.sla.admin import TargetText, VersionLine, VersionSaved
from desk.sla.catalogue import SlaPolicy
from desk.sla.durations import format_duration
from desk.sla.preview import ChangePreview
from desk.sla.service_setup import ServiceInfo
from desk.sla.whatif import TargetChange
from ui import combos, theme
from ui.context import DeskContext
from ui.errors import describe
from ui.setup import operations as ops
from ui.wheel_guard import ComboBox, DateTimeEdit, SpinBox

SAME_CALENDAR = ("the SLA's calendar", "")


@dataclass(frozen=True)
class Loaded:
    policies: dict[str, SlaPolicy]        # latest version of each SLA
    per_day: dict[str, int]               # calendar → business day length
    services: list[ServiceInfo]


def whatif_words(p: ChangePreview, *, calendar: bool = False) -> str:
    """The what-if in a supervisor's words."""
    lines = []
    if p.past is not None:
        w = p.past
        lines.append(f"Tickets opened in the last {p.past_days} days: {w.tickets:,} "
                     f"({w.measured:,} with an SLA outcome).")
        lines.append(f"{labels.count(w.changed, 'past ticket outcome')} would change: "
                     f"response {w.response_now_missed:,} met → missed, {w.response_now_met:,} missed → met; "
                     f"resolution {w.resolution_now_missed:,} met → missed, {w.resolution_now_met:,} missed → met.")
    lines.append(f"{labels.count(p.open_tickets_moved, 'open ticket')} of {p.open_tickets:,} would get new due "
                 "times." if p.open_tickets_moved or calendar else
                 "Open tickets keep the targets they were opened under; the change applies to new tickets.")
    return "\n".join(lines)


class SlasSection(QWidget):
    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.loaded: Loaded | None = None
        self.current: str | None = None
        self.list = QListWidget(self)
        self.list.setObjectName("sla_list")
        self.list.setAccessibleName("SLAs")
        self.list.currentTextChanged.connect(self._on_list_current_text_changed)

        # New SLA
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText("e.g. Research computing")
        self.copy_from = ComboBox()
        self.new_calendar = ComboBox()
        self.create_btn = QPushButton("&Create SLA")
        self.create_btn.clicked.connect(self.create_sla)
        self.new_error = self._error_label("name error")
        new_box = QGroupBox("New SLA")
        nf = QFormLayout(new_box)
        nf.addRow("&Name", self.new_name)
        nf.addRow("", self.new_error)
        nf.addRow("Copy &targets from", self.copy_from)
        nf.addRow("Ca&lendar", self.new_calendar)
        nf.addRow("", self.create_btn)

        # Targets of the chosen SLA
        self.heading = QLabel()
        self.heading.setStyleSheet("font-weight: 600; font-size: 14px;")
        self.targets_box = QGroupBox("Targets per priority (business time: 30m, 4h, 1h30m, 3bd)")
        grid = QGridLayout(self.targets_box)
        for col, text in enumerate(("Priority", "Response", "Resolution", "Calendar")):
            head = QLabel(text)
            head.setStyleSheet("font-weight: 600;")
            grid.addWidget(head, 0, col)
        self.response: dict[str, QLineEdit] = {}
        self.resolution: dict[str, QLineEdit] = {}
        self.calendar: dict[str, QComboBox] = {}
        self.field_errors: dict[str, QLabel] = {}
        row = 1
        for prio in choices.PRIORITIES:
            grid.addWidget(QLabel(labels.priority(prio)), row, 0)
            self.response[prio] = QLineEdit()
            self.response[prio].setAccessibleName(f"{prio} response")
            self.resolution[prio] = QLineEdit()
            self.resolution[prio].setAccessibleName(f"{prio} resolution")
            self.calendar[prio] = ComboBox()
            grid.addWidget(self.response[prio], row, 1)
            grid.addWidget(self.resolution[prio], row, 2)
            grid.addWidget(self.calendar[prio], row, 3)
            err = self._error_label(f"{prio} error")
            grid.addWidget(err, row + 1, 1, 1, 3)
            for kind in ("response", "resolution", "calendar"):
                self.field_errors[f"{prio}:{kind}"] = err
            row += 2
        self.at_risk = SpinBox()
        self.at_risk.setRange(1, 100)
        self.at_risk.setSuffix(" % of the target used")
        self.at_risk_error = self._error_label("at risk error")
        self.later = QCheckBox("Take effect &later, from")
        self.effective = DateTimeEdit()
        self.effective.setCalendarPopup(True)
        self.effective.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.effective.setEnabled(False)
        self.later.toggled.connect(self.effective.setEnabled)
        self.effective_error = self._error_label("effective error")
        opts = QFormLayout()
        opts.addRow("&At risk from", self.at_risk)
        opts.addRow("", self.at_risk_error)
        eff = QHBoxLayout()
        eff.addWidget(self.later)
        eff.addWidget(self.effective)
        eff.addStretch(1)
        opts.addRow("Effective", eff)
        opts.addRow("", self.effective_error)
        self.save_btn = QPushButton("&Save targets…")
        self.save_btn.setToolTip("Shows how many past tickets would change outcome before anything is saved")
        self.save_btn.clicked.connect(self.save)
        self.general = QLabel()
        self.general.setWordWrap(True)
        self.general.setStyleSheet(f"color:{theme.error_colour().name()};")
        self.whatif = QLabel()
        self.whatif.setObjectName("sla_whatif")
        self.whatif.setWordWrap(True)
        self.status = QLabel()
        self.status.setWordWrap(True)

        # Services using it, and assigning it
        self.services_label = QLabel()
        self.services_label.setWordWrap(True)
        self.assign_service = ComboBox()
        self.assign_btn = QPushButton("Use this SLA for the service")
        self.assign_btn.clicked.connect(self.assign)
        assign_box = QGroupBox("Services")
        av = QVBoxLayout(assign_box)
        av.addWidget(self.services_label)
        ah = QHBoxLayout()
        ah.addWidget(self.assign_service, 1)
        ah.addWidget(self.assign_btn)
        av.addLayout(ah)

        self.versions = QTableWidget(0, 4)
        self.versions.setHorizontalHeaderLabels(("Version", "Effective from", "By", "What changed"))
        self.versions.verticalHeader().setVisible(False)
        self.versions.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.versions.horizontalHeader().setStretchLastSection(True)
        versions_box = QGroupBox("Versions")
        QVBoxLayout(versions_box).addWidget(self.versions)

        left = QWidget()
        left.setMinimumWidth(330)
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.list, 1)
        lv.addWidget(new_box)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.addWidget(self.heading)
        rv.addWidget(self.targets_box)
        rv.addLayout(opts)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_btn)
        buttons.addStretch(1)
        rv.addLayout(buttons)
        rv.addWidget(self.general)
        rv.addWidget(self.whatif)
        rv.addWidget(self.status)
        rv.addWidget(assign_box)
        rv.addWidget(versions_box, 1)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        QVBoxLayout(self).addWidget(split)
        self.reload()

    def _error_label(self, name: str) -> QLabel:
        label = QLabel()
        label.setStyleSheet(f"color:{theme.error_colour().name()};")
        label.setWordWrap(True)
        label.setAccessibleName(name)
        label.setVisible(False)
        return label

    # -- reading -------------------------------------------------------------
    def reload(self, select: str | None = None, message: str = "") -> None:
        services = self.ctx.services

        def read() -> Loaded:
            cat = services.sla.catalogue()
            return Loaded({n: v[-1] for n, v in cat.slas.items()},
                          {n: i.latest[3].business_day_s for n, i in cat.calendars.items()},
                          services.service_catalogue.services(include_retired=False))

        self.status.setText("Loading…")
        self.ctx.runner.read(read, lambda loaded: self._on_loaded(loaded, select, message), self._on_failed,
                             owner=self)

    def _on_loaded(self, loaded: Loaded, select: str | None, message: str) -> None:
        self.loaded = loaded
        self.status.setText(message)
        names = sorted(loaded.policies)
        calendars = sorted(loaded.per_day)
        copy_from = combos.value(self.copy_from) or "standard"
        combos.fill(self.copy_from, [(n, n) for n in names], copy_from)
        combos.fill(self.new_calendar, [("as the copied SLA", ""), *((c, c) for c in calendars)], "")
        for box in self.calendar.values():
            combos.fill(box, [SAME_CALENDAR, *((c, c) for c in calendars)])
        combos.fill(self.assign_service, [(s.name, s.name) for s in loaded.services])
        target = select or self.current or (names[0] if names else None)
        self.list.blockSignals(True)
        self.list.clear()
        self.list.addItems(names)
        self.list.blockSignals(False)
        if target in names:
            self.list.setCurrentRow(names.index(target))
            self._show(target)

    def _on_list_current_text_changed(self, name: str) -> None:
        if name:
            self._show(name)

    def _show(self, name: str) -> None:
        assert self.loaded is not None
        policy = self.loaded.policies[name]
        if name != self.current:
            self.whatif.clear()   # after a save of the same SLA, what it did stays in sight
        self.current = name
        self._clear_errors()
        self.heading.setText(f"{name} — version {policy.version}, calendar {policy.calendar}")
        for prio in self.response:
            rule = policy.targets.get(prio)
            per_day = self.loaded.per_day.get(rule.calendar) if rule else None
            self.response[prio].setText(format_duration(rule.response_s, per_day) if rule else "")
            self.resolution[prio].setText(format_duration(rule.resolution_s, per_day) if rule else "")
            combos.select(self.calendar[prio], rule.calendar if rule and rule.calendar != policy.calendar else "")
        self.at_risk.setValue(policy.at_risk_percent)
        soon = dt.datetime.now(self.ctx.site.zone).replace(second=0, microsecond=0) + dt.timedelta(hours=1)
        self.effective.setDateTime(QDateTime(QDate(soon.year, soon.month, soon.day), QTime(soon.hour, soon.minute)))
        using = [s.name for s in self.loaded.services if s.sla == name]
        self.services_label.setText(f"Used by: {', '.join(using)}" if using else "No service uses this SLA yet.")
        services = self.ctx.services

        def read() -> list[VersionLine]:
            return services.sla_admin.versions("sla", name)

        self.ctx.runner.read(read, self._on_versions, self._on_failed, owner=self)

    def _on_versions(self, rows: list[VersionLine]) -> None:
        zone = self.ctx.site.zone
        self.versions.setRowCount(len(rows))
        for i, v in enumerate(reversed(rows)):
            cells = (f"v{v.version}", "from the start" if v.from_the_start else
                     v.effective_from.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z"),
                     v.created_by or "Desk (reference defaults)", v.note)
            for j, text in enumerate(cells):
                self.versions.setItem(i, j, QTableWidgetItem(text))
        self.versions.resizeColumnsToContents()

    # -- what the form says --------------------------------------------------
    def _changes(self) -> dict[str, TargetText]:
        """The priorities whose typed targets differ from the SLA's current ones."""
        assert self.loaded is not None and self.current is not None
        policy = self.loaded.policies[self.current]
        out: dict[str, TargetText] = {}
        for prio in self.response:
            rule = policy.targets.get(prio)
            per_day = self.loaded.per_day.get(rule.calendar) if rule else None
            r, z = self.response[prio].text().strip(), self.resolution[prio].text().strip()
            cal = combos.value(self.calendar[prio])
            old_cal = rule.calendar if rule and rule.calendar != policy.calendar else None
            same = rule is not None and r == format_duration(rule.response_s, per_day) and \
                z == format_duration(rule.resolution_s, per_day) and cal == old_cal
            if not same:
                out[prio] = TargetText(r or None, z or None, cal)
        return out

    def _effective_from(self) -> dt.datetime | None:
        if not self.later.isChecked():
            return None
        local: dt.datetime = self.effective.dateTime().toPython()  # type: ignore[assignment]  # PySide6 types toPython as object
        return local.replace(tzinfo=self.ctx.site.zone)

    def _clear_errors(self) -> None:
        for label in (*self.field_errors.values(), self.at_risk_error, self.effective_error, self.new_error):
            label.clear()
            label.setVisible(False)
        self.general.clear()

    def _show_error(self, exc: BaseException) -> None:
        field = exc.field if isinstance(exc, InvalidInput) else None
        label = self.field_errors.get(field or "") or {"at_risk_percent": self.at_risk_error,
                                                       "effective_from": self.effective_error}.get(field or "")
        if label is None:
            self.general.setText(describe(exc))
            return
        label.setText(describe(exc))
        label.setVisible(True)
        if field and ":" in field:
            prio, kind = field.split(":")
            widget = {"response": self.response, "resolution": self.resolution}.get(kind, {}).get(prio)
            if widget is not None:
                widget.setFocus()

    # -- writing -------------------------------------------------------------
    def save(self) -> None:
        if self.current is None or self.loaded is None:
            return
        self._clear_errors()
        name, changes = self.current, self._changes()
        at_risk = self.at_risk.value()
        at_risk_changed = at_risk != self.loaded.policies[name].at_risk_percent
        if not changes and not at_risk_changed:
            self.general.setText("Nothing to save: the targets are as they are already.")
            return
        tried = [TargetChange(p, t.response, t.resolution) for p, t in changes.items()]
        services = self.ctx.services
        self.status.setText("Comparing past tickets under the new targets…")
        self.save_btn.setEnabled(False)

        def read() -> ChangePreview:
            return services.change_previews.targets(self.ctx.actor, name, tried)

        self.ctx.runner.read(read, lambda p: self._on_previewed(name, changes, at_risk if at_risk_changed else None,
                                                                p), self._on_failed, owner=self)

    def _on_previewed(self, name: str, changes: dict[str, TargetText], at_risk: int | None,
                      preview: ChangePreview) -> None:
        self.save_btn.setEnabled(True)
        self.status.clear()
        words = whatif_words(preview)
        self.whatif.setText(words)
        if not self.ctx.dialogs.confirm(self, f"Save targets of {name}", f"{words}\n\nSave as a new version?"):
            self.status.setText("Not saved; what you typed is still here.")
            return
        self.status.setText("Saving…")
        ops.set_targets(self.ctx, name, changes, at_risk_percent=at_risk,
                        effective_from=self._effective_from()).run(self, done=self._on_saved,
                                                                   failed=self._on_failed)

    def _on_saved(self, saved: VersionSaved) -> None:
        self.reload(select=saved.name, message=f"Saved {saved.name} version {saved.version}: {saved.summary}.")

    def create_sla(self) -> None:
        self._clear_errors()
        name = self.new_name.text()
        self.status.setText("Creating…")
        ops.create_sla(self.ctx, name, copy_from=combos.value(self.copy_from) or "",
                       calendar=combos.value(self.new_calendar)).run(self, done=self._on_created,
                                                                     failed=self._on_create_failed)

    def _on_created(self, saved: VersionSaved) -> None:
        self.new_name.clear()
        self.reload(select=saved.name, message=f"Created {saved.name}: {saved.summary}.")

    def _on_create_failed(self, exc: BaseException) -> None:
        self.status.clear()
        if isinstance(exc, InvalidInput) and exc.field == "name":
            self.new_error.setText(describe(exc))
            self.new_error.setVisible(True)
            self.new_name.setFocus()
        else:
            self.general.setText(describe(exc))

    def assign(self) -> None:
        service = combos.value(self.assign_service)
        if self.current is None or service is None:
            return
        self.status.setText("Saving…")
        name = self.current
        ops.assign_sla(self.ctx, service, name).run(
            self, done=lambda info: self.reload(
                select=name, message=f"{info.name} now uses {name} for tickets opened from now on."),
            failed=self._on_failed)

    def _on_failed(self, exc: BaseException) -> None:
        self.save_btn.setEnabled(True)
        self.status.clear()
        self._show_error(exc)


def make(ctx: DeskContext, parent: QWidget) -> QWidget:
    return SlasSection(ctx, parent)
