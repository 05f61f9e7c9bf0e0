"""Renders the counter's wizard pages, dialogs and printouts to docs/screenshots/counter/.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.ui.counter.make_screenshots
"""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import tempfile
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

OUT = Path(__file__).resolve().parents[3] / "docs" / "screenshots" / "counter"


def shot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
    QTest.qWait(80)  # let layouts settle (word-wrapped labels grow after their text changes)
    widget.grab().save(str(OUT / name))


def main() -> None:
    _app = QApplication.instance() or QApplication([])
    from db.engine import Database
    from desk.bootstrap import Services
    from desk.counter.views import PickupRequest
    from desk.printing.jobs import render_for
    from tests import factories
    from tests.conftest import FakeClock
    from tests.dbtools import migrated_seeded
    from tests.factories import intake_request, repair, signature_png
    from ui.counter.checklist_widget import RepairChecklistWidget
    from ui.counter.context import CounterContext
    from ui.counter.draft import DraftStore
    from ui.counter.loaner_pool import LoanerPoolWindow
    from ui.counter.pickup_dialog import PickupDialog
    from ui.counter.wizard import IntakeWizard
    from ui.dialogs import ScriptedDialogs
    from ui.settings import Settings
    from ui.tasks import SyncRunner

    OUT.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp())
    url = f"sqlite:///{tmp / 'shots.sqlite3'}"
    migrated_seeded(url)
    db = Database.connect(url)
    clock = FakeClock(dt.datetime(2026, 11, 24, 15, 20, tzinfo=dt.UTC))
    services = Services.over(db, clock)
    actor = services.staff.resolve_actor(os_username="anna-nguyen")
    cc = CounterContext(services.counter, services.people, actor, SyncRunner(),
                        ScriptedDialogs(), Settings(tmp / "desk.ini"), clock)
    for tag, desc in (("LN-0007", "Lenovo ThinkPad T14 Gen 4"), ("LN-0011", "Apple MacBook Air M2"),
                      ("LN-0012", "Dell Latitude 5440")):
        cc.counter.loaners.add(actor, tag, desc)
    uid = factories.person(db, given="Mariam", family="Haddad مريم حداد", departments=("Physics",),
                           statuses=("student", "staff"), email="m.haddad@example.edu")
    # An earlier repair of the same laptop, so page 2 shows its history.
    old = cc.counter.intake.intake(actor, intake_request(uid, symptoms="Battery drains in an hour."))
    factories.person(db, given="Omar", family="Haddad", email="o.haddad@example.edu")
    clock.advance(days=20)

    w = IntakeWizard(cc, drafts=DraftStore(tmp / "draft.json"), offer_draft=False)
    w.resize(820, 680)
    w.show()
    p1, p2, p3, p4, p5, p6 = w.pages
    QTest.keyClicks(p1.search, "Hadd")
    QTest.qWait(300)
    p1.results.setCurrentRow(1)
    p1.results.setFocus()
    QTest.qWait(50)
    shot(w, "wizard-1-customer.png")
    w.next()
    QTest.keyClicks(p2.asset_tag, "NU-104233")
    p2.lookup()  # what Enter from the scanner does (Enter would also go on to the next page)
    shot(w, "wizard-2-device.png")
    w.next()
    p3.symptoms.setPlainText("Screen flickers and goes black after ten minutes; external monitor works.")
    p3.conditions["Screen scratched"].setChecked(True)
    p3.conditions["Stickers or engraving"].setChecked(True)
    p3.damage.setPlainText("Light scratches across the lid; university sticker lower right.")
    p3.accessories["Charger"].setChecked(True)
    p3.accessories["Bag"].setChecked(True)
    shot(w, "wizard-3-problem.png")
    w.next()
    p4.backup_yes.setChecked(True)
    p4.wipe_no.setChecked(True)
    p4.login_yes.setChecked(True)
    shot(w, "wizard-4-data.png")
    w.next()
    p5.lend.setChecked(True)
    shot(w, "wizard-5-loaner.png")
    w.next()
    p6.accept_box.setChecked(True)
    pad = p6.pad
    pts = [(30, 90), (60, 40), (85, 95), (120, 45), (150, 92), (185, 40), (220, 88), (260, 60), (330, 70)]
    QTest.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(*pts[0]))
    for x, y in pts[1:]:
        QTest.mouseMove(pad, QPoint(x, y))
    QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(*pts[-1]))
    shot(w, "wizard-6-review-sign.png")
    result: list[object] = []
    w.intake_completed.connect(result.append)
    w.button(w.WizardButton.FinishButton).click()
    number = result[0].number  # type: ignore[attr-defined]

    for kind, stem, dpi in (("slip", "slip", 80), ("tag", "tag", 300)):
        pdf = render_for(cc.counter.intake, number, [kind])[0][2]
        (tmp / f"{stem}.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile",
                        str(tmp / f"{stem}.pdf"), str(OUT / stem)], check=True)

    chk = RepairChecklistWidget(cc, number)
    chk.resize(520, 260)
    tasks = {t.title: t.id for t in cc.counter.checklist.state(number).tasks}
    for title in ("Diagnose", "Back up data", "Repair", "Quality test", "Notify customer"):
        clock.advance(hours=3)
        cc.counter.checklist.set_done(actor, number, tasks[title], True)
    chk.reload()
    chk.show()
    shot(chk, "checklist.png")

    pick = PickupDialog(cc)
    pick.show()
    QTest.keyClicks(pick.scan, number)
    QTest.keyClick(pick.scan, Qt.Key.Key_Return)
    pick.id_kind.setCurrentText("University card")
    for b in pick.accessory_checks:
        b.setChecked(True)
    pick.loaner.setChecked(True)
    pick.work.setPlainText("Replaced the display cable; 2 h burn-in test passed.")
    shot(pick, "pickup.png")

    clock.advance(days=2)
    cc.counter.pickup.pickup(actor, PickupRequest(number, "University card", ("Charger", "Bag"), signature_png(4),
                                                  "Replaced the display cable; 2 h burn-in test passed."))
    pdf = render_for(cc.counter.intake, number, ["receipt"])[0][2]
    (tmp / "receipt.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(tmp / "receipt.pdf"),
                    str(OUT / "receipt")], check=True)

    repair(db, cc.counter, actor, given="Li", family="Wei 李伟", loaner="LN-0011",
           loan_due=(clock().date() - dt.timedelta(days=2)) if False else clock().date() + dt.timedelta(days=1))
    clock.advance(days=3)
    pool = LoanerPoolWindow(cc)
    pool.show()
    shot(pool, "loaner-pool.png")
    del old
    for widget in (w, chk, pick, pool):
        widget.close()
    db.dispose()
    print("screenshots in", OUT)
    # Skip interpreter teardown: parentless widgets destroyed by the GC in arbitrary order can crash
    # PySide6 at exit, and there is nothing left to save.
    os._exit(0)


if __name__ == "__main__":
    main()
