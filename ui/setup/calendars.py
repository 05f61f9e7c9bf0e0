"""Set-up → Calendars: weekly hours with breaks, term periods, public holidays, closures
and the university's iCalendar feed, each change saved as a new calendar version.

Every save first asks the desk what it would do (open tickets whose due times move, past
outcomes that would flip) on a reader thread and shows it in the confirmation; an .ics
import shows each closure it would add, update or leave before anything is imported.
What was typed stays when the desk refuses it, with the message under the field."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
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
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desk.errors import InvalidInput
from desk.sla import admin as changes
from desk.sla.admin import VersionLine, VersionSaved
from desk.sla.calendar import CalendarSpec, WeeklyHours, format_weekly
from desk.sla.preview import ChangePreview
from ui import combos, theme
from ui.context import DeskContext
from ui.errors import describe
from ui.setup import operations as ops
from ui.setup.slas import whatif_words
from ui.wheel_guard import ComboBox, DateEdit, DateTimeEdit

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
STATUS_WORDS = {"added": "New", "updated": "Changed", "unchanged": "Unchanged"}
NO_HOLIDAYS = ("(no public holidays)", "")
WHOLE_COUNTRY = ("(the whole country)", "")


@dataclass(frozen=True)
class Loaded:
    specs: dict[str, CalendarSpec]      # latest version of each calendar
    versions: list[VersionLine]         # of the chosen one


def _hhmm(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def day_text(hours: tuple[WeeklyHours, ...], weekday: int) -> str:
    """'08:00-12:00, 13:00-17:00' for one weekday; '' when closed."""
    return ", ".join(f"{_hhmm(h.start_s)}-{_hhmm(h.end_s)}" for h in sorted(hours, key=lambda h: h.start_s)
                     if h.weekday == weekday)


def _table(headers: tuple[str, ...]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.horizontalHeader().setStretchLastSection(True)
    return t


def _fill_table(t: QTableWidget, rows: list[tuple[str, ...]]) -> None:
    t.setRowCount(len(rows))
    for i, cells in enumerate(rows):
        for j, text in enumerate(cells):
            t.setItem(i, j, QTableWidgetItem(text))
    t.resizeColumnsToContents()


class CalendarsSection(QWidget):
    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.specs: dict[str, CalendarSpec] = {}
        self.current: str | None = None
        self.ics_data: bytes | None = None      # what the last import preview read
        self.errors: dict[str, QLabel] = {}
        self.list = QListWidget(self)
        self.list.setObjectName("calendar_list")
        self.list.setAccessibleName("Calendars")
        self.list.currentTextChanged.connect(self._on_list_current_text_changed)
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText("e.g. Teaching labs")
        self.new_zone = QLineEdit(str(ctx.site.zone))
        self.new_hours = QLineEdit("mon-fri 08:00-17:00")
        self.create_btn = QPushButton("&Create calendar")
        self.create_btn.clicked.connect(self.create_calendar)
        new_box = QGroupBox("New calendar")
        nf = QFormLayout(new_box)
        nf.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        nf.addRow("&Name", self.new_name)
        nf.addRow(self.errors.setdefault("new:name", self._error("new calendar name")))
        nf.addRow("&Time zone", self.new_zone)
        nf.addRow(self.errors.setdefault("new:time_zone", self._error("new calendar time zone")))
        nf.addRow("&Hours (change them after)", self.new_hours)
        nf.addRow(self.errors.setdefault("new:hours", self._error("new calendar hours")))
        nf.addRow(self.create_btn)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-weight: 600; font-size: 14px;")
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._hours_tab(), "Weekly hours")
        self.tabs.addTab(self._periods_tab(), "Term periods")
        self.tabs.addTab(self._holidays_tab(), "Holidays")
        self.tabs.addTab(self._closures_tab(), "Closures")
        self.tabs.addTab(self._ics_tab(), "Import iCalendar")
        self.versions = _table(("Version", "Effective from", "By", "What changed"))
        self.tabs.addTab(self.versions, "Versions")

        self.later = QCheckBox("Changes take effect &later, from")
        self.effective = DateTimeEdit()
        self.effective.setCalendarPopup(True)
        self.effective.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.effective.setEnabled(False)
        self.later.toggled.connect(self.effective.setEnabled)
        eff = QHBoxLayout()
        eff.addWidget(self.later)
        eff.addWidget(self.effective)
        eff.addWidget(QLabel("(the calendar's own time; otherwise now)"))
        eff.addStretch(1)
        self.general = self._error("general")
        self.whatif = QLabel()
        self.whatif.setObjectName("calendar_whatif")
        self.whatif.setWordWrap(True)
        self.status = QLabel()
        self.status.setWordWrap(True)

        right = QWidget()
        rv = QVBoxLayout(right)
        rv.addWidget(self.heading)
        rv.addWidget(self.tabs, 1)
        rv.addLayout(eff)
        rv.addWidget(self.errors.setdefault("effective_from", self._error("effective_from")))
        rv.addWidget(self.general)
        rv.addWidget(self.whatif)
        rv.addWidget(self.status)
        left = QWidget()
        left.setMaximumWidth(260)
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.list, 1)
        lv.addWidget(new_box)
        split = QSplitter(self)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        QVBoxLayout(self).addWidget(split)
        self.reload()

    # -- the tabs ------------------------------------------------------------
    def _error(self, name: str) -> QLabel:
        label = QLabel()
        label.setStyleSheet(f"color:{theme.error_colour().name()};")
        label.setWordWrap(True)
        label.setAccessibleName(f"{name} error")
        label.setVisible(False)
        return label

    def _hours_tab(self) -> QWidget:
        w = QWidget()
        grid = QGridLayout()
        self.day_hours: list[QLineEdit] = []
        for i, day in enumerate(DAYS):
            edit = QLineEdit()
            edit.setPlaceholderText("closed")
            edit.setAccessibleName(f"{day} hours")
            grid.addWidget(QLabel(day), i, 0)
            grid.addWidget(edit, i, 1)
            self.day_hours.append(edit)
        self.save_hours_btn = QPushButton("Save weekly hours…")
        self.save_hours_btn.clicked.connect(self.save_hours)
        v = QVBoxLayout(w)
        v.addWidget(QLabel("Working hours per day, with breaks as separate ranges: 08:00-12:00, 13:00-17:00. "
                           "Leave a day empty when the desk is closed."))
        v.addLayout(grid)
        v.addWidget(self.errors.setdefault("hours", self._error("hours")))
        v.addWidget(self.save_hours_btn)
        v.addStretch(1)
        return w

    def _periods_tab(self) -> QWidget:
        w = QWidget()
        self.periods = _table(("Period", "From", "To", "Hours"))
        self.period_name = QLineEdit()
        self.period_name.setPlaceholderText("e.g. Summer 2027, Exam week")
        self.period_start = DateEdit()
        self.period_end = DateEdit()
        for d in (self.period_start, self.period_end):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
            d.setDate(QDate.currentDate())
        self.period_hours = QLineEdit()
        self.period_hours.setPlaceholderText("mon-thu 08:00-17:00, or closed")
        form = QFormLayout()
        for key, label, widget in (("name", "&Name", self.period_name), ("start", "&From", self.period_start),
                                   ("end", "&To (inclusive)", self.period_end),
                                   ("period_hours", "&Hours", self.period_hours)):
            form.addRow(label, widget)
            form.addRow("", self.errors.setdefault(f"period:{key}", self._error(f"period {key}")))
        _list_and_form(w, self.periods, form, (("Save period…", self.save_period),
                                               ("Remove selected period…", self.remove_period)))
        return w

    def _holidays_tab(self) -> QWidget:
        w = QWidget()
        self.country = ComboBox()
        combos.fill(self.country, [NO_HOLIDAYS, *((f"{name} ({code})", code)
                                                  for code, name in changes.holiday_countries())])
        self.region = ComboBox()
        self.country.currentIndexChanged.connect(lambda _i: self._fill_regions(None))
        save = QPushButton("Save holidays…")
        save.clicked.connect(self.save_holidays)
        form = QFormLayout(w)
        form.addRow(QLabel("Public holidays come from the holidays package: choose the country and, "
                           "where holidays differ, the state or region."))
        form.addRow("&Country", self.country)
        form.addRow("&Region", self.region)
        form.addRow("", self.errors.setdefault("holidays", self._error("holidays")))
        form.addRow("", save)
        return w

    def _closures_tab(self) -> QWidget:
        w = QWidget()
        self.closures = _table(("Closure", "From", "Until"))
        self.closure_name = QLineEdit()
        self.closure_name.setPlaceholderText("e.g. Snow day, Winter break")
        self.whole_days = QCheckBox("Whole days")
        self.whole_days.setChecked(True)
        self.closure_start = DateTimeEdit()
        self.closure_end = DateTimeEdit()
        for d in (self.closure_start, self.closure_end):
            d.setCalendarPopup(True)
            d.setDateTime(QDateTime(QDate.currentDate(), QTime(0, 0)))
        self.whole_days.toggled.connect(self._on_whole_days_toggled)
        self._on_whole_days_toggled(True)
        form = QFormLayout()
        form.addRow("&Name", self.closure_name)
        form.addRow("", self.errors.setdefault("closure:name", self._error("closure name")))
        form.addRow("", self.whole_days)
        form.addRow("&Starts", self.closure_start)
        form.addRow("", self.errors.setdefault("closure:start", self._error("closure start")))
        form.addRow("&Ends (last day, or end time)", self.closure_end)
        form.addRow("", self.errors.setdefault("closure:end", self._error("closure end")))
        _list_and_form(w, self.closures, form, (("Add closure…", self.add_closure),
                                                ("Remove selected closure…", self.remove_closure)))
        return w

    def _ics_tab(self) -> QWidget:
        w = QWidget()
        self.ics_path = QLineEdit()
        self.ics_path.setPlaceholderText("the university's closures feed (.ics)")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._on_browse_clicked)
        preview = QPushButton("Preview import")
        preview.clicked.connect(self.preview_ics)
        self.import_btn = QPushButton("Import")
        self.import_btn.setEnabled(False)
        self.import_btn.clicked.connect(self.import_ics)
        self.ics_preview = _table(("What", "Closure", "From", "Until"))
        self.ics_preview.setObjectName("ics_preview")
        self.ics_summary = QLabel()
        self.ics_summary.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.ics_path, 1)
        row.addWidget(browse)
        row.addWidget(preview)
        row.addWidget(self.import_btn)
        v = QVBoxLayout(w)
        v.addLayout(row)
        v.addWidget(self.errors.setdefault("ics", self._error("ics")))
        v.addWidget(self.ics_summary)
        v.addWidget(self.ics_preview, 1)
        self.ics_path.textChanged.connect(lambda _t: self.import_btn.setEnabled(False))
        return w

    def _on_whole_days_toggled(self, whole: bool) -> None:
        fmt = "yyyy-MM-dd" if whole else "yyyy-MM-dd HH:mm"
        for d in (self.closure_start, self.closure_end):
            d.setDisplayFormat(fmt)

    def _on_browse_clicked(self) -> None:
        path = self.ctx.dialogs.ask_open_file(self, "Closures feed", "iCalendar (*.ics);;All files (*)")
        if path:
            self.ics_path.setText(path)

    def _fill_regions(self, current: str | None) -> None:
        country = combos.value(self.country)
        regions = changes.holiday_regions(country) if country else []
        combos.fill(self.region, [WHOLE_COUNTRY, *((f"{name} ({code})", code) for code, name in regions)],
                    current or "")

    # -- reading -------------------------------------------------------------
    def reload(self, select: str | None = None, message: str = "") -> None:
        services = self.ctx.services
        target = select or self.current

        def read() -> Loaded:
            cat = services.sla.catalogue()
            specs = {n: i.latest[3] for n, i in cat.calendars.items()}
            name = target if target in specs else (sorted(specs)[0] if specs else None)
            return Loaded(specs, services.sla_admin.versions("calendar", name) if name else [])

        self.status.setText("Loading…")
        self.ctx.runner.read(read, lambda loaded: self._on_loaded(loaded, target, message), self._on_failed,
                             owner=self)

    def _on_loaded(self, loaded: Loaded, target: str | None, message: str) -> None:
        self.specs = loaded.specs
        self.status.setText(message)
        names = sorted(loaded.specs)
        name = target if target in names else (names[0] if names else None)
        self.list.blockSignals(True)
        self.list.clear()
        self.list.addItems(names)
        if name:
            self.list.setCurrentRow(names.index(name))
        self.list.blockSignals(False)
        if name:
            self._show(name, loaded.versions)

    def _on_list_current_text_changed(self, name: str) -> None:
        if name and name != self.current:
            self.current = name
            self.reload(select=name)

    def _show(self, name: str, versions: list[VersionLine]) -> None:
        spec = self.specs[name]
        self.current = name
        self._clear_errors()
        self.heading.setText(f"{name} — version {spec.version}, {spec.time_zone}, "
                             f"a business day is {spec.business_day_s / 3600:g} hours")
        for i, edit in enumerate(self.day_hours):
            edit.setText(day_text(spec.hours, i))
        _fill_table(self.periods, [(p.name, p.start.isoformat(), p.end.isoformat(),
                                    format_weekly(p.hours) if p.hours else "closed")
                                   for p in spec.periods])
        _fill_table(self.closures, [(c.name, f"{c.start:%Y-%m-%d %H:%M}", f"{c.end:%Y-%m-%d %H:%M}")
                                    for c in spec.closures])
        combos.select(self.country, spec.holiday_country or "")
        self._fill_regions(spec.holiday_subdivision)
        zone = spec.zone
        _fill_table(self.versions, [
            (f"v{v.version}", "from the start" if v.from_the_start else
             v.effective_from.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z"),
             v.created_by or "Desk (reference defaults)", v.note) for v in reversed(versions)])
        soon = dt.datetime.now(zone).replace(tzinfo=None, second=0, microsecond=0) + dt.timedelta(hours=1)
        self.effective.setDateTime(QDateTime(QDate(soon.year, soon.month, soon.day), QTime(soon.hour, soon.minute)))

    # -- what the form says --------------------------------------------------
    def weekly_text(self) -> str:
        """The seven day lines as the hours the desk reads ('mon 08:00-12:00,13:00-17:00; …')."""
        return "; ".join(f"{key} {edit.text().strip()}" for key, edit in zip(DAY_KEYS, self.day_hours)
                         if edit.text().strip())

    def _effective_from(self) -> dt.datetime | None:
        if not self.later.isChecked() or self.current is None:
            return None
        local: dt.datetime = self.effective.dateTime().toPython()  # type: ignore[assignment]  # PySide6 types toPython as object
        return local.replace(tzinfo=self.specs[self.current].zone)

    def _closure_bounds(self) -> tuple[dt.datetime, dt.datetime]:
        start: dt.datetime = self.closure_start.dateTime().toPython()  # type: ignore[assignment]  # as above
        end: dt.datetime = self.closure_end.dateTime().toPython()  # type: ignore[assignment]  # as above
        if self.whole_days.isChecked():
            # Whole days: from the first day's midnight to the midnight after the last day.
            return (dt.datetime.combine(start.date(), dt.time()),
                    dt.datetime.combine(end.date() + dt.timedelta(days=1), dt.time()))
        return start.replace(second=0, microsecond=0), end.replace(second=0, microsecond=0)

    def _clear_errors(self) -> None:
        for label in self.errors.values():
            label.clear()
            label.setVisible(False)
        self.general.clear()
        self.general.setVisible(False)

    def _show_error(self, exc: BaseException, prefix: str = "") -> None:
        field = exc.field if isinstance(exc, InvalidInput) else None
        label = None
        if field is not None:
            label = self.errors.get(f"{prefix}{field}") or self.errors.get(field)
            if prefix == "period:" and field == "hours":
                label = self.errors["period:period_hours"]
        label = label or self.general
        label.setText(describe(exc))
        label.setVisible(True)

    # -- saving: preview, confirm, write -------------------------------------
    def _save(self, label: str, build: Callable[[], tuple[str, changes.CalendarChange]],
              work: Callable[[dt.datetime | None], VersionSaved], prefix: str = "") -> None:
        """Preview ``build``'s change, ask with what it would do, then run ``work``."""
        if self.current is None:
            return
        name, actor, previews = self.current, self.ctx.actor, self.ctx.services.change_previews
        self._clear_errors()
        self.whatif.clear()
        self.status.setText("Working out what the change would do…")
        effective = self._effective_from()

        def read() -> tuple[str, ChangePreview]:
            note, change = build()
            return note, previews.calendar(actor, name, change)

        def previewed(result: tuple[str, ChangePreview]) -> None:
            note, preview = result
            self.status.clear()
            if not preview.changed:
                self.status.setText("Nothing to save: the calendar already says that.")
                return
            words = whatif_words(preview, calendar=True)
            self.whatif.setText(words)
            if not self.ctx.dialogs.confirm(self, f"{label} — {name}", f"{note}\n\n{words}\n\nSave as a new version?"):
                self.status.setText("Not saved; what you typed is still here.")
                return
            self.status.setText("Saving…")
            ops.calendar_change(self.ctx, name, label, lambda: work(effective)).run(
                self, done=self._on_saved, failed=lambda exc: self._on_failed(exc, prefix))

        self.ctx.runner.read(read, previewed, lambda exc: self._on_failed(exc, prefix), owner=self)

    def save_hours(self) -> None:
        text = self.weekly_text()
        admin, actor = self.ctx.services.sla_admin, self.ctx.actor
        name = self.current or ""
        self._save("Weekly hours", lambda: changes.hours_change(text),
                   lambda eff: admin.set_hours(actor, name, text, effective_from=eff))

    def save_period(self) -> None:
        title, hours = self.period_name.text(), self.period_hours.text()
        start: dt.date = self.period_start.date().toPython()  # type: ignore[assignment]  # PySide6 types toPython as object
        end: dt.date = self.period_end.date().toPython()  # type: ignore[assignment]  # as above
        admin, actor, name = self.ctx.services.sla_admin, self.ctx.actor, self.current or ""
        self._save("Term period", lambda: changes.period_change(title, start, end, hours),
                   lambda eff: admin.set_period(actor, name, title, start, end, hours, effective_from=eff),
                   "period:")

    def remove_period(self) -> None:
        row = self.periods.currentRow()
        item = self.periods.item(row, 0) if row >= 0 else None
        if item is None:
            self._show_error(InvalidInput("Choose the period to remove in the list.", "name"), "period:")
            return
        title = item.text()
        admin, actor, name = self.ctx.services.sla_admin, self.ctx.actor, self.current or ""
        self._save("Remove period", lambda: changes.remove_period_change(name, title),
                   lambda eff: admin.remove_period(actor, name, title, effective_from=eff), "period:")

    def save_holidays(self) -> None:
        country, region = combos.value(self.country), combos.value(self.region)
        admin, actor, name = self.ctx.services.sla_admin, self.ctx.actor, self.current or ""
        self._save("Public holidays", lambda: changes.holidays_change(country, region),
                   lambda eff: admin.set_holidays(actor, name, country, region, effective_from=eff))

    def add_closure(self) -> None:
        title = self.closure_name.text()
        start, end = self._closure_bounds()
        admin, actor, name = self.ctx.services.sla_admin, self.ctx.actor, self.current or ""
        self._save("Closure", lambda: changes.closure_change(title, start, end),
                   lambda eff: admin.add_closure(actor, name, title, start, end, effective_from=eff), "closure:")

    def remove_closure(self) -> None:
        row = self.closures.currentRow()
        item = self.closures.item(row, 0) if row >= 0 else None
        if item is None:
            self._show_error(InvalidInput("Choose the closure to remove in the list.", "name"), "closure:")
            return
        title = item.text()
        admin, actor, name = self.ctx.services.sla_admin, self.ctx.actor, self.current or ""
        self._save("Remove closure", lambda: changes.remove_closure_change(name, title),
                   lambda eff: admin.remove_closure(actor, name, title, effective_from=eff), "closure:")

    def create_calendar(self) -> None:
        name, zone, hours = self.new_name.text(), self.new_zone.text().strip(), self.new_hours.text()
        admin, actor = self.ctx.services.sla_admin, self.ctx.actor
        self._clear_errors()
        self.status.setText("Creating…")
        ops.create_calendar(self.ctx, lambda: admin.create_calendar(
            actor, name, time_zone=zone, hours=hours, business_day_hours=None)).run(
            self, done=self._on_created, failed=lambda exc: self._on_failed(exc, "new:"))

    def _on_created(self, saved: VersionSaved) -> None:
        self.new_name.clear()
        self.reload(select=saved.name, message=f"Created calendar {saved.name}: {saved.summary}.")

    # -- the iCalendar feed --------------------------------------------------
    def preview_ics(self) -> None:
        if self.current is None:
            return
        self._clear_errors()
        self.import_btn.setEnabled(False)
        path_text = self.ics_path.text().strip()
        name, actor, previews = self.current, self.ctx.actor, self.ctx.services.change_previews

        def read() -> tuple[bytes, ChangePreview]:
            path = Path(path_text)
            if not path_text or not path.is_file():
                raise InvalidInput(f"No such file: {path_text or '(none given)'}", "ics")
            data = path.read_bytes()
            return data, previews.calendar(actor, name, lambda _d: None, ics_data=data)

        self.status.setText("Reading the feed and working out what it would change…")
        self.ctx.runner.read(read, self._on_ics_previewed, self._on_failed, owner=self)

    def _on_ics_previewed(self, result: tuple[bytes, ChangePreview]) -> None:
        data, p = result
        self.status.clear()
        self.ics_data = data
        _fill_table(self.ics_preview, [(STATUS_WORDS[c.status], c.name, f"{c.start:%Y-%m-%d %H:%M}",
                                        f"{c.end:%Y-%m-%d %H:%M}") for c in p.closures])
        self.ics_summary.setText(f"{p.added} new, {p.updated} changed, {p.unchanged} unchanged closures.\n"
                                 + whatif_words(p, calendar=True))
        self.import_btn.setEnabled(p.changed)
        if not p.changed:
            self.status.setText("The feed holds nothing new for this calendar.")

    def import_ics(self) -> None:
        if self.current is None or self.ics_data is None:
            return
        data, name, actor = self.ics_data, self.current, self.ctx.actor
        admin, effective = self.ctx.services.sla_admin, self._effective_from()
        self.import_btn.setEnabled(False)
        self.status.setText("Importing…")
        ops.calendar_change(self.ctx, name, "Import closures",
                            lambda: admin.import_ics(actor, name, data, effective_from=effective)).run(
            self, done=self._on_saved, failed=self._on_failed)

    # -- results -------------------------------------------------------------
    def _on_saved(self, saved: VersionSaved) -> None:
        self.reload(select=saved.name,
                    message=f"Saved {saved.name} version {saved.version}: {saved.summary}; "
                            f"{saved.open_tickets_remeasured:,} open tickets re-measured.")

    def _on_failed(self, exc: BaseException, prefix: str = "") -> None:
        self.status.clear()
        self._show_error(exc, prefix)


def make(ctx: DeskContext, parent: QWidget) -> QWidget:
    return CalendarsSection(ctx, parent)


def _list_and_form(tab: QWidget, listing: QWidget, form: QFormLayout,
                   buttons: tuple[tuple[str, Callable[[], object]], ...]) -> None:
    """A tab of the calendar: its list on top, the form to add to it, then its buttons."""
    row = QHBoxLayout()
    for text, slot in buttons:
        button = QPushButton(text)
        button.clicked.connect(lambda _checked=False, f=slot: f())
        row.addWidget(button)
    row.addStretch(1)
    v = QVBoxLayout(tab)
    v.addWidget(listing, 1)
    v.addLayout(form)
    v.addLayout(row)
