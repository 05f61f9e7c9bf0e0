"""The SLA report dialog: parameters on the left, the preview on the right; the report
is built off the GUI thread (the runner's long read) with a progress bar and Cancel,
then saved, exported to CSV or printed from the same figures."""
from __future__ import annotations

import datetime as dt
import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desk.reports.csv_export import write_csv
from desk.reports.params import (
    GROUP_WORDS,
    Channel,
    GroupBy,
    Preset,
    Priority,
    ReportParams,
    preset_period,
)
from desk.reports.sla_data import SlaReport
from desk.rules import labels
from ui.context import DeskContext
from ui.errors import describe
from ui.reports.preview import PdfPreview, print_pdf
from ui.screen_fit import Dialog, in_documents
from ui.tasks import Task
from ui.wheel_guard import ComboBox, DateEdit

log = logging.getLogger(__name__)

PRESETS = [("Custom dates", None), ("Last week", Preset.LAST_WEEK), ("Last month", Preset.LAST_MONTH),
           ("Last term", Preset.LAST_TERM)]
GROUPS = [(words, g) for g, words in GROUP_WORDS.items()]


def _checklist(parent: QWidget, name: str, items: list[tuple[str, object]]) -> QListWidget:
    w = QListWidget(parent)
    w.setAccessibleName(name)
    for text, data in items:
        it = QListWidgetItem(text, w)
        it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        it.setCheckState(Qt.CheckState.Unchecked)
        it.setData(Qt.ItemDataRole.UserRole, data)
    w.setMaximumHeight(110)
    return w


def _checked(w: QListWidget) -> list[Any]:
    return [w.item(i).data(Qt.ItemDataRole.UserRole) for i in range(w.count())
            if w.item(i).checkState() == Qt.CheckState.Checked]


class SlaReportDialog(Dialog):
    report_ready = Signal(int)  # pages

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("SLA report")
        self.setAccessibleName("SLA report")
        self.reports = ctx.services.reports
        self.job: Task | None = None
        self.report: SlaReport | None = None
        self._tmpdir = Path(tempfile.mkdtemp(prefix="desk-report-"))
        self._closing = False
        self.pdf_path: Path | None = None

        self.preset = ComboBox(self)
        self.preset.setAccessibleName("Period")
        for text, p in PRESETS:
            self.preset.addItem(text, p)
        self.date_from = DateEdit(self)
        self.date_from.setCalendarPopup(True)
        self.date_to = DateEdit(self)
        self.date_to.setCalendarPopup(True)
        for w, name in ((self.date_from, "From"), (self.date_to, "To")):
            w.setDisplayFormat("yyyy-MM-dd")
            w.setAccessibleName(name)
        self.services = _checklist(self, "Services", [])
        self.teams = _checklist(self, "Teams", [])
        self.priorities = QWidget(self)
        pl = QHBoxLayout(self.priorities)
        pl.setContentsMargins(0, 0, 0, 0)
        self.priority_boxes = {p: QCheckBox(p.value, self.priorities) for p in Priority}
        for box in self.priority_boxes.values():
            pl.addWidget(box)
        self.channels = _checklist(self, "Channels", [(labels.channel(c), c) for c in Channel])
        self.group_by = ComboBox(self)
        self.group_by.setAccessibleName("Group by")
        for text, g in GROUPS:
            self.group_by.addItem(text, g)

        form = QFormLayout()
        form.addRow("Period", self.preset)
        form.addRow("From", self.date_from)
        form.addRow("To (included)", self.date_to)
        form.addRow("Services", self.services)
        form.addRow("Teams", self.teams)
        form.addRow("Priorities", self.priorities)
        form.addRow("Channels", self.channels)
        form.addRow("Group by", self.group_by)
        hint = QLabel("Nothing ticked in a list means all of it.", self)
        hint.setWordWrap(True)
        params = QGroupBox("Parameters", self)
        bl = QVBoxLayout(params)
        bl.addLayout(form)
        bl.addWidget(hint)

        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress.setAccessibleName("Progress")
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Report status")
        self.generate_btn = QPushButton("&Generate", self)
        self.generate_btn.setDefault(True)
        self.cancel_btn = QPushButton("Cancel", self)
        self.save_btn = QPushButton("&Save PDF…", self)
        self.csv_btn = QPushButton("Export &CSV…", self)
        self.print_btn = QPushButton("&Print…", self)
        self.close_btn = QPushButton("Close", self)
        self.generate_btn.clicked.connect(self.generate)
        self.cancel_btn.clicked.connect(self.cancel)
        self.save_btn.clicked.connect(self.save_pdf)
        self.csv_btn.clicked.connect(self.export_csv)
        self.print_btn.clicked.connect(self.print_report)
        self.close_btn.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        for b in (self.generate_btn, self.cancel_btn):
            buttons.addWidget(b)
        outputs = QHBoxLayout()
        for b in (self.save_btn, self.csv_btn, self.print_btn, self.close_btn):
            outputs.addWidget(b)

        left = QWidget(self)
        ll = QVBoxLayout(left)
        ll.addWidget(params)
        ll.addLayout(buttons)
        ll.addWidget(self.progress)
        ll.addWidget(self.status)
        ll.addStretch(1)
        ll.addLayout(outputs)
        self.preview = PdfPreview(self)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(self.preview)
        split.setStretchFactor(1, 1)
        split.setSizes([360, 800])
        lay = QVBoxLayout(self)
        lay.addWidget(split)
        self.resize(1200, 780)

        self.preset.currentIndexChanged.connect(self._on_preset_current_index_changed)
        today = self._today()
        self._set_dates(today.replace(day=1), today)
        self.preset.setCurrentIndex(2)  # last month: the report supervisors ask for most
        self._set_running(False)
        ctx.runner.read(self.reports.filter_choices, self._on_choices_loaded, self._show_error, owner=self)

    # -- parameters ----------------------------------------------------------------------
    def _today(self) -> dt.date:
        return self.ctx.site.today(self.ctx.clock())

    def _set_dates(self, first: dt.date, last: dt.date) -> None:
        self.date_from.setDate(QDate(first.year, first.month, first.day))
        self.date_to.setDate(QDate(last.year, last.month, last.day))

    def _on_preset_current_index_changed(self, _i: int) -> None:
        preset = self.preset.currentData()
        custom = preset is None
        self.date_from.setEnabled(custom)
        self.date_to.setEnabled(custom)
        if not custom:
            first, last, _label = preset_period(preset, self._today())
            self._set_dates(first, last)

    def _on_choices_loaded(self, choices: dict[str, list[str]]) -> None:
        for widget, key in ((self.services, "services"), (self.teams, "teams")):
            widget.clear()
            for name in choices[key]:
                it = QListWidgetItem(name, widget)
                it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                it.setCheckState(Qt.CheckState.Unchecked)
                it.setData(Qt.ItemDataRole.UserRole, name)

    def params(self) -> ReportParams:
        preset = self.preset.currentData()
        label = preset_period(preset, self._today())[2] if preset is not None else None
        start, end = self.date_from.date().toPython(), self.date_to.date().toPython()
        assert isinstance(start, dt.date) and isinstance(end, dt.date)
        return ReportParams(
            start, end,
            services=tuple(_checked(self.services)), teams=tuple(_checked(self.teams)),
            priorities=tuple(p for p, b in self.priority_boxes.items() if b.isChecked()),
            # Qt hands str-enums back as plain strings: convert them back.
            channels=tuple(Channel(c) for c in _checked(self.channels)),
            group_by=GroupBy(self.group_by.currentData()), label=label,
        )

    # -- running -------------------------------------------------------------------------
    def generate(self) -> None:
        if self.job is not None and self.job.running:
            return
        try:
            params = self.params()
        except Exception as exc:  # noqa: BLE001 - InvalidInput, said in words
            self._show_error(exc)
            return
        out = self._tmpdir / f"sla-{params.date_from}-{params.date_to}.pdf"
        actor, reports = self.ctx.actor, self.reports
        self._set_running(True)
        self.progress.setValue(0)
        self.status.setText("Counting…")
        self.job = self.ctx.runner.read_with_progress(
            lambda progress, cancelled: reports.write_sla_pdf(actor, params, out, progress=progress,
                                                              cancelled=cancelled, own_process=True),
            lambda result: self._on_job_finished(result, out), self._on_job_failed, owner=self,
            on_progress=self._on_job_progressed, on_cancelled=self._on_job_cancelled)

    def cancel(self) -> None:
        if self.job is not None and self.job.running:
            self.status.setText("Cancelling…")
            self.job.cancel()

    def _set_running(self, running: bool) -> None:
        self.generate_btn.setEnabled(not running)
        self.cancel_btn.setEnabled(running)
        has = self.report is not None and not running
        for b in (self.save_btn, self.csv_btn, self.print_btn):
            b.setEnabled(has)

    def _on_job_progressed(self, fraction: float, words: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        self.status.setText(words)

    def _on_job_finished(self, result: tuple[SlaReport, int], out: Path) -> None:
        if self._closed_meanwhile():
            return
        self.report, pages = result
        self.pdf_path = out
        self.progress.setValue(1000)
        c = self.report.summary.counts
        self.status.setText(f"{pages} pages · {c.opened:,} opened · {len(self.report.breaches):,} breaches")
        self.preview.load(out)
        self._set_running(False)
        self.report_ready.emit(pages)

    def _on_job_failed(self, exc: BaseException) -> None:
        log.error("report job failed", exc_info=exc)
        if self._closed_meanwhile():
            return
        self.status.setText("The report failed.")
        self._set_running(False)
        self._show_error(exc)

    def _on_job_cancelled(self) -> None:
        if self._closed_meanwhile():
            return
        self.progress.setValue(0)
        self.status.setText("Cancelled; nothing was written.")
        self._set_running(False)

    def _show_error(self, exc: BaseException) -> None:
        self.ctx.dialogs.error(self, "SLA report", describe(exc))

    # -- outputs (file and printer choices go through these two seams) -----------------------
    def ask_save_path(self, title: str, suggested: str, filters: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self, title, in_documents(suggested), filters)
        return Path(path) if path else None

    def ask_printer(self) -> QPrinter | None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        return printer if dialog.exec() == QDialog.DialogCode.Accepted else None

    def save_pdf(self) -> None:
        if self.pdf_path is None:
            return
        dest = self.ask_save_path("Save SLA report", self.pdf_path.name, "PDF (*.pdf)")
        if dest is None:
            return
        if dest.suffix.lower() != ".pdf":
            dest = dest.with_suffix(".pdf")
        try:
            shutil.copyfile(self.pdf_path, dest)
        except OSError as exc:
            self._show_error(exc)
            return
        self.status.setText(f"Saved {dest}")

    def export_csv(self) -> None:
        if self.report is None:
            return
        dest = self.ask_save_path("Export the tables as CSV (a .zip of one file per table)",
                                  self.pdf_path.with_suffix(".zip").name if self.pdf_path else "sla.zip",
                                  "Zip of CSV files (*.zip)")
        if dest is None:
            return
        if dest.suffix.lower() != ".zip":
            dest = dest.with_suffix(".zip")
        try:
            write_csv(self.report, dest)
        except OSError as exc:
            self._show_error(exc)
            return
        self.status.setText(f"Exported {dest}")

    def print_report(self) -> None:
        if self.pdf_path is None:
            return
        printer = self.ask_printer()
        if printer is None:
            return
        path = self.pdf_path
        self._printer = printer  # kept alive while the worker paints on it
        self._set_running(True)
        self.job = self.ctx.runner.read_with_progress(
            lambda progress, cancelled: print_pdf(path, printer, progress, cancelled),
            self._on_print_finished, self._on_job_failed, owner=self,
            on_progress=self._on_job_progressed, on_cancelled=self._on_job_cancelled)

    def _on_print_finished(self, pages: int) -> None:
        if self._closed_meanwhile():
            return
        self.status.setText(f"Sent {pages} pages to the printer.")
        self._set_running(False)

    def done(self, result: int) -> None:
        self.setProperty("ended", True)   # shown as a page: its tab goes without ending it again
        self.preview.clear()
        if self.job is not None and self.job.running:
            # The worker still writes into the temp folder: clean up when it has stopped,
            # whether or not this dialog is still there (shown as a page, its tab deletes
            # it now, and a deleted owner's callbacks are dropped).
            self._closing = True
            self.job.cancel()
            folder = self._tmpdir
            self.job.when_settled(lambda: shutil.rmtree(folder, ignore_errors=True))
        else:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
        super().done(result)

    def _closed_meanwhile(self) -> bool:
        if self._closing:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
        return self._closing
