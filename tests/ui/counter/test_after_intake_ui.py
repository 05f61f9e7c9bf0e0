"""Pickup dialog, loaner pool, repair checklist widget, print preview and printing through Qt."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QPoint, Qt
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from db.engine import Database
from desk.printing.jobs import render_for
from tests.conftest import FakeClock
from tests.factories import repair
from ui.counter.checklist_widget import RepairChecklistWidget
from ui.counter.context import CounterContext
from ui.counter.loaner_pool import LoanerPoolWindow
from ui.counter.pickup_dialog import PickupDialog
from ui.counter.print_preview import PrintPreviewDialog, print_pdf
from ui.dialogs import ScriptedDialogs

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def sign(qtbot: QtBot, pad) -> None:  # type: ignore[no-untyped-def]
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(20, 80))
    for x, y in ((60, 30), (100, 90), (140, 30), (200, 80)):
        qtbot.mouseMove(pad, QPoint(x, y))
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(220, 60))


def test_pickup_dialog_checks_and_completes(qtbot: QtBot, cc: CounterContext, database: Database) -> None:
    cc.counter.loaners.add(cc.actor, "LN-9", "HP loaner")
    number = repair(database, cc.counter, cc.actor, loaner="LN-9").number
    cc.counter.incidents.transition(cc.actor, number, "in_progress")
    d = PickupDialog(cc)
    qtbot.addWidget(d)
    done: list[object] = []
    d.picked_up.connect(done.append)
    qtbot.keyClicks(d.scan, number.lower().replace("inc-", ""))
    qtbot.keyClick(d.scan, Qt.Key.Key_Return)
    assert d.repair is not None and "Ada Lovelace" in d.info.text()
    assert [b.text() for b in d.accessory_checks] == ["Charger", "Bag"]
    d.complete_btn.click()
    assert "photo ID" in d.message.text()
    d.id_kind.setCurrentText("University card")
    d.work.setPlainText("Replaced keyboard.")
    d.complete_btn.click()
    assert "Not handed back: Bag, Charger" in d.message.text()
    for b in d.accessory_checks:
        b.setChecked(True)
    d.complete_btn.click()
    assert "loaner" in d.message.text().lower()
    d.loaner.setChecked(True)
    d.complete_btn.click()
    assert "sign" in d.message.text()
    sign(qtbot, d.pad)
    d.complete_btn.click()
    assert done and cc.counter.intake.repair(number).picked_up_at is not None


def test_loaner_pool_shows_overdue(qtbot: QtBot, cc: CounterContext, database: Database, clock: FakeClock) -> None:
    cc.counter.loaners.add(cc.actor, "LN-1", "Dell loaner")
    cc.counter.loaners.add(cc.actor, "LN-2", "HP loaner")
    repair(database, cc.counter, cc.actor, loaner="LN-1", loan_due=dt.date(2026, 11, 3))
    clock.advance(days=3)
    w = LoanerPoolWindow(cc)
    qtbot.addWidget(w)
    assert w.table.rowCount() == 2 and "1 overdue" in w.summary.text()
    w.overdue_only.setChecked(True)
    assert w.table.rowCount() == 1 and w.table.item(0, 2).text() == "Overdue"
    assert w.table.item(0, 3).text().startswith("Ada Lovelace")
    cc.dialogs = ScriptedDialogs(["LN-3", "Lenovo loaner"])
    w.add()
    w.overdue_only.setChecked(False)
    assert w.table.rowCount() == 3
    w.table.selectRow(0)
    w.take_back()
    assert "0 overdue" in w.summary.text()


def test_checklist_widget_offers_pending_parts(qtbot: QtBot, cc: CounterContext, database: Database) -> None:
    number = repair(database, cc.counter, cc.actor).number
    cc.dialogs = ScriptedDialogs([True, "SSD 512 GB"])
    w = RepairChecklistWidget(cc, number)
    qtbot.addWidget(w)
    assert len(w.boxes) == 8 and w.boxes[0].isChecked()
    order = next(b for b in w.boxes if "Order parts" in b.text())
    order.setChecked(True)
    assert w.state is not None and w.state.status == "pending_parts"
    assert cc.counter.intake.repair(number).parts == ("SSD 512 GB",)
    cc.counter.checklist.parts_arrived(cc.actor, number)
    w.reload()
    notify = next(b for b in w.boxes if "Notify customer" in b.text())
    notify.setChecked(True)
    assert "ready for pickup" in w.header.text()


def test_preview_and_print_to_pdf_printer(qtbot: QtBot, cc: CounterContext, database: Database,
                                          tmp_path: Path) -> None:
    number = repair(database, cc.counter, cc.actor).number
    jobs = render_for(cc.counter.intake, number, ["slip", "tag"])
    d = PrintPreviewDialog(cc, jobs)
    qtbot.addWidget(d)
    assert d.tabs.count() == 2 and d.pages[0].images and d.pages[1].images
    tag_img = d.pages[1].images[0]
    assert 2.0 < tag_img.width() / tag_img.height() < 2.3  # 62 × 29 mm
    out = tmp_path / "printed.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    assert print_pdf(jobs[0][2], printer) == len(PdfReader(__import__("io").BytesIO(jobs[0][2])).pages)
    assert out.exists() and len(PdfReader(str(out)).pages) >= 1
    page = d.pages[0]
    page.ask_save_path = lambda: str(tmp_path / "saved.pdf")  # type: ignore[method-assign]
    assert page.save() == tmp_path / "saved.pdf" and (tmp_path / "saved.pdf").read_bytes() == jobs[0][2]


def test_installer_adds_counter_menu_and_preview_follows_intake(qtbot: QtBot, cc: CounterContext,
                                                                database: Database) -> None:
    from types import SimpleNamespace

    from PySide6.QtWidgets import QMainWindow

    from ui.counter.install import install

    class Window(QMainWindow):
        def __init__(self) -> None:
            super().__init__()
            self.tools: list[tuple[str, object]] = []

        def register_tool(self, menu: str, action: object, *, toolbar: bool = False) -> object:
            self.tools.append((menu, action))
            return action

        def register_page(self, key: str, name: str, show: object) -> None:
            self.pages = getattr(self, "pages", []) + [name]

        def open_panel(self, key: str, title: str, make):  # type: ignore[no-untyped-def]
            return make()

        def open_ticket(self, number: str) -> None:
            pass

    win = Window()
    qtbot.addWidget(win)
    ctx = SimpleNamespace(services=SimpleNamespace(counter=cc.counter, people=cc.people, clock=cc.clock),
                          actor=cc.actor, runner=cc.runner, dialogs=cc.dialogs, settings=cc.settings,
                          changes=cc.changes)
    counter = install(win, ctx)
    names = [a.text() for _m, a in win.tools]  # type: ignore[attr-defined]
    assert names[:3] == ["New &walk-in repair…", "&Pickup…", "&Loaner pool"]
    assert {m for m, _a in win.tools} == {"&Counter"}
    number = repair(database, cc.counter, cc.actor).number
    counter.preview(number, ["slip", "tag"])
    previews = [w for w in counter.open if isinstance(w, PrintPreviewDialog)]
    assert previews and previews[0].tabs.count() == 2
    checklist = counter.checklist(number.lower())
    assert isinstance(checklist, RepairChecklistWidget) and len(checklist.boxes) == 8
    for w in counter.open:
        w.close()


def test_model_editor_edits_and_creates(qtbot: QtBot, cc: CounterContext) -> None:
    from ui.counter.model_editor import IncidentModelEditor

    d = IncidentModelEditor(cc)
    qtbot.addWidget(d)
    names = [m.name for m in d.models]
    assert {"laptop-repair", "password-reset", "wifi", "printer", "account-lockout"} <= set(names)
    d.list.setCurrentRow(names.index("laptop-repair"))
    assert d.priority.text().startswith("P4 Low") and "Back up data | if backup consented" in d.tasks.toPlainText()
    assert (d.impact.currentText(), d.channel.currentText()) == ("Low", "Walk-in")
    d.urgency.setCurrentText("High")
    assert d.urgency.currentData() == "high" and d.priority.text().startswith("P3 Medium")
    d.save()
    assert "Saved laptop-repair" in d.message.text() and cc.counter.models.get("laptop-repair").urgency == "high"
    d.new_model()
    d.name.setText("projector")
    d.label.setText("Projector fault")
    d.service.setCurrentText("Classroom Technology")
    d.tasks.setPlainText("Check input\nSwap lamp | if lamp hours > 3000")
    d.save()
    m = cc.counter.models.get("projector")
    assert m.service == "Classroom Technology" and m.tasks[1].condition == "if lamp hours > 3000"
    d.new_model()
    d.name.setText("Bad Name")
    d.label.setText("x")
    d.save()
    assert "only a–z" in d.message.text() and d.name.text() == "Bad Name" and d.save_btn.isEnabled()


def test_unfinished_intake_is_offered_at_start(qtbot: QtBot, cc: CounterContext, database: Database) -> None:
    from types import SimpleNamespace

    from PySide6.QtWidgets import QMainWindow

    from tests import factories
    from ui.counter.draft import DraftStore
    from ui.counter.install import install
    from ui.counter.state import IntakeState
    from ui.counter.wizard import IntakeWizard

    uid = factories.person(database, given="Left", family="Behind")
    DraftStore().save(IntakeState(page=1, person_uid=uid, person_label="Left Behind", serial="SN-1").to_json())

    class Window(QMainWindow):
        def register_tool(self, menu: str, action: object, *, toolbar: bool = False) -> object:
            return action

        def register_page(self, key: str, name: str, show: object) -> None:
            pass

        def open_panel(self, key: str, title: str, make):  # type: ignore[no-untyped-def]
            self.page = getattr(self, "page", None) or make()
            return self.page

        def open_ticket(self, number: str) -> None:
            pass

    win = Window()
    qtbot.addWidget(win)
    cc.dialogs = ScriptedDialogs([True])
    ctx = SimpleNamespace(services=SimpleNamespace(counter=cc.counter, people=cc.people, clock=cc.clock),
                          actor=cc.actor, runner=cc.runner, dialogs=cc.dialogs, settings=cc.settings,
                          changes=cc.changes)
    counter = install(win, ctx)
    # Offered back on the Counter page as soon as the window is up.
    qtbot.waitUntil(lambda: counter.page is not None and counter.page.hosted(IntakeWizard) is not None)
    assert counter.page is not None
    wizard = counter.page.hosted(IntakeWizard)
    assert isinstance(wizard, IntakeWizard) and counter.page.stack.currentWidget() is wizard
    assert wizard.currentId() == 1 and wizard.pages[1].serial.text() == "SN-1"
    wizard._closed = True
    wizard.close()


def test_the_pickup_dialog_asks_why_a_repair_nobody_worked_on_goes_back(qtbot: QtBot, cc: CounterContext,
                                                                       database: Database) -> None:
    number = repair(database, cc.counter, cc.actor).number            # still New
    d = PickupDialog(cc)
    qtbot.addWidget(d)
    d.scan.setText(number)
    d.look_up()
    d.id_kind.setCurrentIndex(1)
    for box in d.accessory_checks:
        box.setChecked(True)
    sign(qtbot, d.pad)
    d.work.setPlainText("Nothing done: the customer changed their mind")
    cc.dialogs.answers.append("Customer changed their mind")            # the reason asked for
    d.complete_btn.click()
    assert cc.counter.intake.repair(number).picked_up_at is not None


def test_the_slip_preview_fits_its_dialog_and_zooms(qtbot: QtBot, cc: CounterContext, database: Database) -> None:
    number = repair(database, cc.counter, cc.actor).number
    d = PrintPreviewDialog(cc, render_for(cc.counter.intake, number, ["slip"], paper="letter"))
    qtbot.addWidget(d)
    d.resize(700, 700)
    d.show()
    qtbot.waitExposed(d)
    page = d.pages[0]
    page.apply_zoom()
    room = page.pages_area.viewport().width()
    fitted = page.labels[0].width()
    assert page.zoom_box.currentText() == "Fit width" and room - 60 <= fitted <= room   # the whole width, no sideways scroll
    page.zoom_box.setCurrentText("100%")
    assert page.labels[0].width() == int(8.5 * page.logicalDpiX())                      # the paper's own size
    page.zoom_by(+1)
    assert page.zoom_box.currentText() == "125%" and page.labels[0].width() > int(8.5 * page.logicalDpiX())
    page.zoom_box.setCurrentText("Whole page")
    label = page.labels[0]
    assert label.height() <= page.pages_area.viewport().height() and label.width() < fitted
    d.resize(900, 900)                                 # fitting follows the dialog's size
    qtbot.waitUntil(lambda: page.labels[0].height() > label.height() - 1 and page.labels[0].width() > 0)
    page.zoom_box.setCurrentIndex(0)
    qtbot.waitUntil(lambda: page.labels[0].width() > fitted)
