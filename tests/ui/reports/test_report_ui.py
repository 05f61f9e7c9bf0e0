"""The SLA report dialog (worker thread, progress, cancel, preview, save, CSV, print),
the supervisor dashboard, and their place in the main window."""
from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter

from db.enums import Role
from tests import factories
from tests.desk.reports import sla_dataset
from tests.desk.reports.test_dashboard import NOW
from tests.desk.reports.test_dashboard import build as build_dashboard_data
from ui.context import DeskContext
from ui.reports.dashboard import SupervisorDashboard
from ui.reports.dialog import SlaReportDialog
from ui.reports.install import install
from ui.tasks import TaskRunner

# Showing a window on the offscreen platform says this; it is not a fault of ours.
pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


def _dialog(ctx: DeskContext, qtbot) -> SlaReportDialog:  # type: ignore[no-untyped-def]
    sla_dataset.build(ctx.services.db)
    d = SlaReportDialog(ctx)
    qtbot.addWidget(d)
    d.preset.setCurrentIndex(0)  # custom dates
    d.date_from.setDate(sla_dataset.PERIOD_FROM)
    d.date_to.setDate(sla_dataset.PERIOD_TO)
    return d


def test_generate_preview_save_export_print(ctx: DeskContext, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    d = _dialog(ctx, qtbot)
    assert d.services.count() == 9 and not d.save_btn.isEnabled()
    d.services.item(0).setCheckState(Qt.CheckState.Checked)
    d.priority_boxes[list(d.priority_boxes)[2]].setChecked(True)
    d.group_by.setCurrentIndex(3)  # week
    p = d.params()
    assert p.services == (d.services.item(0).text(),) and p.group_by.value == "week" and len(p.priorities) == 1

    # Whenever progress arrives, Cancel is the button to press and Generate is not.
    buttons: list[tuple[bool, bool]] = []
    d.progress.valueChanged.connect(lambda _v: buttons.append((d.cancel_btn.isEnabled(), d.generate_btn.isEnabled())))
    with qtbot.waitSignal(d.report_ready, timeout=30000) as ready:
        d.generate_btn.click()
    assert len(buttons) > 3 and set(buttons) == {(True, False)} and not d.cancel_btn.isEnabled()
    pages = ready.args[0]
    assert d.preview.page_count == pages >= 4 and d.progress.value() == 1000
    assert d.save_btn.isEnabled() and "pages" in d.status.text()
    d.preview.page.setValue(2)
    assert not d.preview.image.pixmap().isNull()

    d.ask_save_path = lambda *_a: tmp_path / "saved"  # type: ignore[method-assign]
    d.save_btn.click()
    assert (tmp_path / "saved.pdf").read_bytes() == d.pdf_path.read_bytes()  # type: ignore[union-attr]
    d.ask_save_path = lambda *_a: tmp_path / "tables.zip"  # type: ignore[method-assign]
    d.csv_btn.click()
    assert "breaches.csv" in zipfile.ZipFile(tmp_path / "tables.zip").namelist()

    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    d.ask_printer = lambda: printer  # type: ignore[method-assign]
    d.print_btn.click()
    qtbot.waitUntil(lambda: "printer" in d.status.text(), timeout=60000)
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == pages
    d.close()


def test_cancel_and_bad_input(ctx: DeskContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    # Cancel is pressed while the job runs: only a real worker lets the click come in meanwhile.
    runner = TaskRunner()
    d = _dialog(dataclasses.replace(ctx, runner=runner), qtbot)
    d.generate()
    d.cancel()
    qtbot.waitUntil(lambda: "Cancelled" in d.status.text(), timeout=30000)
    assert runner.wait()
    assert d.preview.page_count == 0 and not d.save_btn.isEnabled()

    d.date_to.setDate(sla_dataset.PERIOD_FROM.replace(day=1))  # before the start
    d.generate()
    assert ctx.dialogs.shown and "before it starts" in ctx.dialogs.shown[-1][1]  # type: ignore[attr-defined]



def test_closing_the_report_page_while_it_is_built_removes_its_temp_folder(ctx: DeskContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    # Shown as a page, the report ends when its tab closes, and the tab deletes it at once;
    # the worker stops a moment later. Its folder (a PDF of staff and callers) must still go.
    import threading

    from PySide6.QtCore import QCoreApplication, QEvent

    runner = TaskRunner()
    sla_dataset.build(ctx.services.db)
    d = SlaReportDialog(dataclasses.replace(ctx, runner=runner))   # deleted below, as its tab does
    go = threading.Event()
    real = d.reports

    class Slow:
        def write_sla_pdf(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            go.wait(10)
            return real.write_sla_pdf(*args, **kwargs)

    d.reports = Slow()  # type: ignore[assignment]
    folder = d._tmpdir
    d.generate()
    d.done(0)                 # what closing its tab does: end it, then delete it
    d.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    go.set()
    assert runner.wait()
    qtbot.waitUntil(lambda: not folder.exists(), timeout=5000)

def test_dashboard_shows_and_refreshes(ctx: DeskContext, qtbot, clock) -> None:  # type: ignore[no-untyped-def]
    clock.set(NOW)
    build_dashboard_data(ctx.services.db)
    dash = SupervisorDashboard(ctx)
    qtbot.addWidget(dash)
    rows = {dash.teams.item(r, 0).text(): [dash.teams.item(r, c).text() for c in (1, 2, 3)]
            for r in range(dash.teams.rowCount())}
    assert rows["Network"] == ["5", "1", "2"] and rows["All teams"] == ["7", "1", "2"]
    assert dash.labels["response.this"].text().startswith("66.7 %")
    assert dash.oldest.item(0, 0).text() == "INC-000007" and dash.majors.rowCount() == 1
    opened: list[str] = []
    dash.ticket_opened.connect(opened.append)
    dash._open_row(dash.majors, 0)
    assert opened == ["INC-000007"]
    # With time alone INC-1 passes its due time and INC-4 its at-risk point. (A change
    # refreshes a dashboard that is shown; a hidden one waits until it is.)
    dash.show()
    qtbot.waitExposed(dash)
    clock.set(NOW.replace(hour=16, minute=30))
    with qtbot.waitSignal(dash.refreshed, timeout=5000):
        dash.on_changed_elsewhere()
    rows = {dash.teams.item(r, 0).text(): [dash.teams.item(r, c).text() for c in (1, 2, 3)]
            for r in range(dash.teams.rowCount())}
    assert rows["Network"] == ["5", "1", "3"]


def test_main_window_gets_reports_for_supervisors_only(ctx: DeskContext, window, services, admin) -> None:  # type: ignore[no-untyped-def]
    from ui import features

    assert install in features.INSTALLERS  # ui/start.py runs it at start
    install(window, ctx)
    titles = [a.text() for a in window.menu("&Reports").actions()]
    assert titles == ["&SLA report…", "Supervisor &dashboard"]
    window.menu("&Reports").actions()[1].trigger()
    assert isinstance(window.tabs.currentWidget(), SupervisorDashboard)

    tech = factories.staff(services, admin, "tech-ui", Role.TECHNICIAN)
    menus_before = len(window.menuBar().actions())
    install(window, dataclasses.replace(ctx, actor=tech))
    assert len(window.menuBar().actions()) == menus_before


def test_the_parameters_sit_in_the_left_pane_above_generate(ctx: DeskContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QGroupBox

    d = _dialog(ctx, qtbot)
    d.resize(1200, 780)
    d.show()
    qtbot.waitExposed(d)
    params = next(g for g in d.findChildren(QGroupBox) if g.title() == "Parameters")
    left = d.generate_btn.parentWidget()
    # Laid out in the pane (it once floated over it, unlaid, while a lone checkbox took its place).
    assert params.parentWidget() is left and params.isVisible()
    assert params.geometry().bottom() < d.generate_btn.geometry().top()
    assert all(box.isVisibleTo(params) for box in d.priority_boxes.values())


def test_the_dashboard_shows_walk_up_satisfaction(ctx: DeskContext, qtbot, admin) -> None:  # type: ignore[no-untyped-def]
    from tests.desk.counter.test_satisfaction import picked_up

    services = ctx.services
    happy, silent = picked_up(services, admin, "Ada"), picked_up(services, admin, "Grace")
    services.counter.satisfaction.record(admin, happy, 3)
    services.counter.satisfaction.record(admin, silent, None)
    dash = SupervisorDashboard(ctx)
    qtbot.addWidget(dash)
    rows = {dash.satisfaction.item(r, 0).text(): [dash.satisfaction.item(r, c).text() for c in range(1, 5)]
            for r in range(dash.satisfaction.rowCount())}
    assert rows["All pickups"] == ["2", "1 (50%)", "100 / 100", "1"]
    assert f"Counter: {admin.display_name}" in rows and any(k.startswith("Week of ") for k in rows)


def test_a_closed_report_page_keeps_nothing_alive(ctx: DeskContext, window, qtbot) -> None:  # type: ignore[no-untyped-def]
    # The menu's opener remembers its page to bring it forward; once the tab is closed it
    # must forget it, or the last report (its breach list too) stays for the whole day.
    import gc
    import weakref

    from PySide6.QtCore import QCoreApplication, QEvent

    install(window, ctx)
    window.menu("&Reports").actions()[0].trigger()
    page = window.tabs.currentWidget()
    assert isinstance(page, SlaReportDialog)
    gone = weakref.ref(page)
    window.close_tab(window.tabs.indexOf(page))
    del page
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    assert gone() is None
    window.menu("&Reports").actions()[0].trigger()          # and it opens again afresh
    assert isinstance(window.tabs.currentWidget(), SlaReportDialog)


def test_a_report_reopened_before_the_old_page_is_deleted_stays_one_tab(ctx: DeskContext, window, qtbot) -> None:  # type: ignore[no-untyped-def]
    # The old page's deferred delete arrives after the new one is open: it must not make the
    # opener forget the new page, or the next Ctrl+Shift+R opens a second report tab.
    from PySide6.QtCore import QCoreApplication, QEvent

    install(window, ctx)
    trigger = window.menu("&Reports").actions()[0].trigger
    trigger()
    window.close_tab(window.tabs.indexOf(window.tabs.currentWidget()))
    trigger()                                                # before the old page is deleted
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    trigger()
    pages = [window.tabs.widget(i) for i in range(window.tabs.count())]
    assert sum(isinstance(p, SlaReportDialog) for p in pages) == 1
