"""The intake wizard end to end: scan, search, create person, every page's validation, finish; drafts."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from db.engine import Database
from tests import factories
from ui.counter.context import CounterContext
from ui.counter.draft import DraftStore
from ui.counter.wizard import AUTOSAVE_MS, IntakeWizard
from ui.dialogs import ScriptedDialogs

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

SHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots" / "counter"


def sign(qtbot: QtBot, pad) -> None:  # type: ignore[no-untyped-def]
    points = [QPoint(30, 90), QPoint(80, 40), QPoint(130, 95), QPoint(190, 35), QPoint(250, 90)]
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=points[0])
    for p in points[1:]:
        qtbot.mouseMove(pad, p)
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=points[-1])


def make_wizard(qtbot: QtBot, cc: CounterContext, tmp_path: Path, offer: bool = True,
                autosave_ms: int = AUTOSAVE_MS) -> IntakeWizard:
    w = IntakeWizard(cc, drafts=DraftStore(tmp_path / "draft.json"), offer_draft=offer, autosave_ms=autosave_ms)
    qtbot.addWidget(w)
    w.show()
    return w


def test_full_intake_by_keyboard_and_scanner(qtbot: QtBot, cc: CounterContext, database: Database,
                                             tmp_path: Path) -> None:
    uid = factories.person(database, given="Ada", family="Lovelace", departments=("Mathematics",),
                           statuses=("student", "staff"))
    cc.counter.loaners.add(cc.actor, "LN-0042", "ThinkPad T14 loaner")
    w = make_wizard(qtbot, cc, tmp_path)
    done: list[object] = []
    w.intake_completed.connect(done.append)
    p1, p2, p3, p4, p5, p6 = w.pages

    # 1 · Next without a customer is refused with a message.
    assert not p1.validatePage() and "Choose the customer" in p1.message.text()
    # Search as you type, then a card scan (ID + Enter) picks the person and moves on.
    qtbot.keyClicks(p1.search, "Love")
    qtbot.waitUntil(lambda: p1.results.count() == 1)
    assert "Ada Lovelace" in p1.results.item(0).text()
    p1.search.clear()
    qtbot.keyClicks(p1.search, uid)
    qtbot.keyClick(p1.search, Qt.Key.Key_Return)
    assert w.currentId() == 1 and w.state.person_uid == uid
    assert w.state.acting_status in ("student", "staff") and w.state.acting_department == "Mathematics"

    # 2 · Device: nothing typed → refused; scan a tag, then make and model.
    w.next()
    assert w.currentId() == 1 and "asset tag or serial number" in p2.message.text()  # the intake's rule
    qtbot.keyClicks(p2.asset_tag, "NU-555001")
    qtbot.keyClick(p2.asset_tag, Qt.Key.Key_Return)
    assert "New device" in p2.history.text()
    w.next()
    assert "make" in p2.message.text()
    qtbot.keyClicks(p2.make, "Dell")
    qtbot.keyClicks(p2.model, "Latitude 7440")
    p2.os.setCurrentText("Windows 11")
    w.next()
    assert w.currentId() == 2

    # 3 · Problem: needs symptoms; ticked damage needs a note.
    w.next()
    assert "reported problem" in p3.message.text()
    qtbot.keyClicks(p3.symptoms, "Screen flickers, then black. <b>since Monday</b>")
    p3.conditions["Screen cracked"].setChecked(True)
    w.next()
    assert "damage note" in p3.message.text()
    qtbot.keyClicks(p3.damage, "2 cm crack lower left")
    p3.accessories["Charger"].setChecked(True)
    qtbot.keyClicks(p3.other, "USB-C dock")
    w.next()
    assert w.currentId() == 3

    # 4 · Data: every question must be answered.
    w.next()
    assert "backup" in p4.message.text()
    p4.backup_yes.setChecked(True)
    p4.wipe_no.setChecked(True)
    w.next()
    assert "login" in p4.message.text()
    p4.login_yes.setChecked(True)
    w.next()
    assert w.currentId() == 4

    # 5 · Loaner from the pool.
    assert p5.loaners.count() == 1
    p5.lend.setChecked(True)
    chosen, opened = p5.due.date(), cc.clock()
    p5.due.setDate(p5.due.minimumDate())                 # today, on the desk's clock
    cc.clock.set(cc.counter.site.at(cc.counter.site.today(opened), dt.time(18, 30)))  # after closing time
    w.next()  # the intake's own rule, in its words, beside the date
    assert w.currentId() == 4 and "due date must be in the future" in p5.message.text()
    cc.clock.set(opened)
    p5.due.setDate(chosen)
    w.next()
    assert w.currentId() == 5

    # 6 · Review: terms, signature and initials are required.
    assert "Ada Lovelace" in p6.summary.toPlainText() and "USB-C dock" in p6.summary.toPlainText()
    assert "&lt;b&gt;" in p6.summary.toHtml() or "<b>since" in p6.summary.toPlainText()
    assert not p6.validatePage() and "accepts the terms" in p6.message.text()
    p6.accept_box.setChecked(True)
    assert not p6.validatePage() and "signature is missing" in p6.message.text()
    sign(qtbot, p6.pad)
    assert not p6.pad.is_empty()
    initials = p6.initials.text()
    p6.initials.setText("A1")
    assert not p6.validatePage() and "Staff initials must be letters" in p6.message.text()
    p6.initials.setText(initials)
    w.button(w.WizardButton.FinishButton).click()
    assert done, p6.message.text()
    result = done[0]
    assert result.number.startswith("INC-")  # type: ignore[attr-defined]
    repair = cc.counter.intake.repair(result.number)  # type: ignore[attr-defined]
    assert repair.device.asset_tag == "NU-555001" and [a.name for a in repair.accessories] == ["Charger", "USB-C dock"]
    assert repair.loan is not None and repair.loan.loaner_asset_tag == "LN-0042"
    assert repair.signature("intake").png.startswith(b"\x89PNG")  # type: ignore[union-attr]
    assert repair.staff_initials == cc.initials and repair.condition == ("Screen cracked",)
    assert not (tmp_path / "draft.json").exists()


def test_create_person_inline(qtbot: QtBot, cc: CounterContext, tmp_path: Path) -> None:
    w = make_wizard(qtbot, cc, tmp_path)
    p1 = w.pages[0]
    p1.search.setText("Женя Иванова")  # QTest cannot type non-Latin keys; a keyboard layout would
    qtbot.waitUntil(lambda: p1.results.count() == 1)
    assert "No match" in p1.results.item(0).text()
    p1.new_btn.click()
    assert p1.new_given.text() == "Женя" and p1.new_family.text() == "Иванова"
    p1.create_btn.click()
    assert "University id is required" in p1.message.text()
    qtbot.keyClicks(p1.new_uid, "900777001")
    qtbot.keyClicks(p1.new_email, "zhenya@example.edu")
    p1.create_btn.click()
    assert w.state.person_uid == "900777001" and "Женя Иванова" in p1.card.text()
    assert cc.people.get("900777001").email == "zhenya@example.edu"


def test_draft_survives_a_crash_and_is_offered_back(qtbot: QtBot, cc: CounterContext, database: Database,
                                                    tmp_path: Path) -> None:
    uid = factories.person(database, given="Grace", family="Hopper")
    w = make_wizard(qtbot, cc, tmp_path, autosave_ms=20)
    w.pages[0].search.setText(uid)
    qtbot.keyClick(w.pages[0].search, Qt.Key.Key_Return)
    w.pages[1].serial.setText("SN-CRASH-1")
    w.pages[1].make.setText("Apple")
    w.pages[1].model.setText("MacBook Air")
    w.next()
    w.pages[2].symptoms.setPlainText("Battery drains in one hour")
    # Only the autosave timer saves now (the page change saved before the symptoms were typed).
    draft = tmp_path / "draft.json"
    qtbot.waitUntil(lambda: draft.exists() and "Battery drains" in draft.read_text(encoding="utf-8"))
    # A crash: the process dies, no close handler runs.
    w.hide()
    w.deleteLater()
    assert (tmp_path / "draft.json").exists()

    cc.dialogs = ScriptedDialogs([True])  # "Resume it?" — yes
    w2 = make_wizard(qtbot, cc, tmp_path)
    assert w2.currentId() == 2
    assert w2.state.person_uid == uid and w2.pages[1].serial.text() == "SN-CRASH-1"
    assert w2.pages[2].symptoms.toPlainText() == "Battery drains in one hour"

    # Closing by accident keeps it when asked; answering No discards it.
    cc.dialogs = ScriptedDialogs([False])
    w2.reject()
    assert not (tmp_path / "draft.json").exists()


def _to_device_page(qtbot: QtBot, w: IntakeWizard, uid: str) -> None:
    qtbot.keyClicks(w.pages[0].search, uid)
    qtbot.keyClick(w.pages[0].search, Qt.Key.Key_Return)
    assert w.currentId() == 1


def _type_device(qtbot: QtBot, w: IntakeWizard, tag: str, serial: str) -> None:
    p2 = w.pages[1]
    qtbot.keyClicks(p2.asset_tag, tag)
    qtbot.keyClicks(p2.serial, serial)
    qtbot.keyClick(p2.serial, Qt.Key.Key_Return)
    qtbot.keyClicks(p2.make, "Dell")
    qtbot.keyClicks(p2.model, "Latitude 7440")


def _finish(qtbot: QtBot, w: IntakeWizard) -> None:
    """Pages 3–6 answered; ends on the review page, signed."""
    p3, p4, _loaner, p6 = w.pages[2:]
    qtbot.keyClicks(p3.symptoms, "Keyboard sticky after a coffee")
    w.next()
    p4.backup_no.setChecked(True)
    p4.wipe_no.setChecked(True)
    p4.login_no.setChecked(True)
    w.next()
    w.next()
    assert w.currentId() == 5, [p.message.text() for p in w.pages]
    p6.accept_box.setChecked(True)
    sign(qtbot, p6.pad)


def test_a_shared_serial_is_shown_in_words_and_staff_choose(qtbot: QtBot, cc: CounterContext, database: Database,
                                                            tmp_path: Path) -> None:
    from tests.factories import repair

    first = repair(database, cc.counter, cc.actor)  # Ada's laptop: NU-104233, 5CG1234XYZ
    grace = factories.person(database, given="Grace", family="Hopper")
    w = make_wizard(qtbot, cc, tmp_path)
    done: list[object] = []
    w.intake_completed.connect(done.append)
    _to_device_page(qtbot, w, grace)
    _type_device(qtbot, w, "NU-200001", "5CG1234XYZ")
    p2 = w.pages[1]
    text = p2.message.text()
    assert p2.message.isVisible() and "Serial 5CG1234XYZ is on record with asset tag NU-104233" in text
    assert "Which device is this?" in text and p2.choices.isVisible()
    assert [b.text() for b in p2.choice_buttons] == [
        f"It is this device: {first.repair.device.label} — Ada Lovelace",
        "It is another laptop: register a new device"]
    # Next is refused until staff choose; nothing typed was touched.
    w.next()
    assert w.currentId() == 1 and "5CG1234XYZ" in p2.message.text()
    assert (p2.asset_tag.text(), p2.serial.text(), p2.make.text()) == ("NU-200001", "5CG1234XYZ", "Dell")
    p2.choice_buttons[1].click()
    assert not p2.choices.isVisible() and not p2.message.isVisible()
    w.next()
    assert w.currentId() == 2
    _finish(qtbot, w)
    w.button(w.WizardButton.FinishButton).click()
    assert done, w.pages[5].message.text()
    made = cc.counter.intake.repair(done[0].number)  # type: ignore[attr-defined]
    assert made.device.id != first.repair.device.id and made.device.asset_tag == "NU-200001"
    assert cc.counter.intake.repair(first.number).device.asset_tag == "NU-104233"


def test_a_conflict_found_at_finish_goes_back_to_the_device_page_keeping_everything(
        qtbot: QtBot, cc: CounterContext, database: Database, tmp_path: Path) -> None:
    from desk.counter.views import DeviceInfo
    from tests.factories import repair

    grace = factories.person(database, given="Grace", family="Hopper")
    w = make_wizard(qtbot, cc, tmp_path)
    done: list[object] = []
    w.intake_completed.connect(done.append)
    _to_device_page(qtbot, w, grace)
    _type_device(qtbot, w, "NU-200001", "SHARED-77")
    assert "New device" in w.pages[1].history.text()
    w.next()
    _finish(qtbot, w)
    # Meanwhile another workstation takes in Ada's laptop with the same serial.
    other = repair(database, cc.counter, cc.actor, device=DeviceInfo(asset_tag="NU-104233",
                                                                     serial="SHARED-77"))
    w.button(w.WizardButton.FinishButton).click()
    assert not done and w.currentId() == 1
    p2 = w.pages[1]
    assert "Serial SHARED-77 is on record with asset tag NU-104233" in p2.message.text()
    assert p2.choices.isVisible() and len(p2.choice_buttons) == 2
    assert (p2.asset_tag.text(), p2.serial.text()) == ("NU-200001", "SHARED-77")
    assert w.pages[2].symptoms.toPlainText() == "Keyboard sticky after a coffee" and not w.pages[5].pad.is_empty()
    p2.choice_buttons[1].click()  # another laptop
    for _ in range(4):
        w.next()
    assert w.currentId() == 5 and w.pages[5].accept_box.isChecked()
    w.button(w.WizardButton.FinishButton).click()
    assert done, w.pages[5].message.text()
    assert cc.counter.intake.repair(other.number).device.asset_tag == "NU-104233"


def test_a_warranty_that_has_ended_reads_as_expired(qtbot: QtBot, cc: CounterContext, tmp_path: Path) -> None:
    """The fixture's desk date is 2026-11-02: a warranty that ended in August is not one."""
    from PySide6.QtCore import QDate

    from ui.counter.page_review import summary_html

    w = make_wizard(qtbot, cc, tmp_path)
    page = w.device_page
    page.has_warranty.setChecked(True)
    page.warranty.setDate(QDate(2026, 8, 31))
    assert "expired" in page.warranty_state.text() and "not under warranty" in page.warranty_state.text()
    page.warranty.setDate(QDate(2027, 6, 30))
    assert page.warranty_state.text() == "under warranty"
    w.state.warranty_until = "2026-08-31"
    assert "(expired)" in summary_html(w.state, dt.date(2026, 11, 2))
    w.state.warranty_until = "2027-06-30"
    assert "(expired)" not in summary_html(w.state, dt.date(2026, 11, 2))


def test_a_device_on_record_as_someone_elses_is_flagged(qtbot: QtBot, cc: CounterContext, database: Database,
                                                        tmp_path: Path) -> None:
    factories.repair(database, cc.counter, cc.actor, given="Ada", family="Lovelace")   # NU-104233, Ada's
    grace = factories.person(database, given="Grace", family="Hopper")
    w = make_wizard(qtbot, cc, tmp_path)
    w.state.person_uid, w.state.person_label = grace, "Grace Hopper"
    page = w.device_page
    page.asset_tag.setText("NU-104233")
    page.lookup()
    qtbot.waitUntil(lambda: "Known device" in page.history.text())
    assert "not Grace Hopper's" in page.history.text() and "Ada Lovelace" in page.history.text()
    # Ada bringing her own laptop again: no warning.
    w.state.person_uid, w.state.person_label = page.known.owner_university_id or "", "Ada Lovelace"  # type: ignore[union-attr]
    page._on_found(page.known)
    assert "⚠" not in page.history.text()
