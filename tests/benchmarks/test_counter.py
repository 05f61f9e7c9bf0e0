"""Counter speed: one intake transaction, the slip / tag / receipt builds, and the wizard driven
by keyboard and scanner for a known customer and device (target: the whole intake under a minute
of the counter's time, so the software's share must be a small fraction of a second).

    make bench PYTEST_ARGS="-k counter"
"""
from __future__ import annotations

import io
import statistics
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from db.engine import Database
from desk.bootstrap import Services
from desk.counter.views import DeviceInfo, PickupRequest
from desk.printing import build_device_tag, build_intake_slip, build_pickup_receipt
from tests import factories
from tests.factories import intake_request, signature_png

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def _ms(samples: list[float]) -> str:
    return f"median {statistics.median(samples) * 1000:.0f} ms, max {max(samples) * 1000:.0f} ms"


def test_counter_service_and_printing_speed(db_url: str) -> None:
    db = Database.connect(db_url)
    services = Services.over(db)
    actor = services.staff.resolve_actor(os_username="bench")
    counter = services.counter
    uid = factories.person(db, given="Zoë", family="Ørsted 王")
    intakes, slips, tags, receipts, pickups = [], [], [], [], []
    for i in range(20):
        t = time.perf_counter()
        res = counter.intake.intake(actor, intake_request(uid, device=DeviceInfo(serial=f"BENCH{i}", make="Dell",
                                                                                 model="Latitude")))
        intakes.append(time.perf_counter() - t)
        for builder, bucket in ((build_intake_slip, slips), (build_device_tag, tags)):
            t = time.perf_counter()
            builder(res.repair, io.BytesIO())
            bucket.append(time.perf_counter() - t)
        t = time.perf_counter()
        done = counter.pickup.pickup(actor, PickupRequest(res.number, "University card", ("Charger", "Bag"),
                                                          signature_png(), "Fixed."))
        pickups.append(time.perf_counter() - t)
        t = time.perf_counter()
        build_pickup_receipt(done, io.BytesIO())
        receipts.append(time.perf_counter() - t)
    print(f"\n[{db.dialect}] intake transaction: {_ms(intakes)}; pickup: {_ms(pickups)}")
    print(f"[{db.dialect}] intake slip PDF: {_ms(slips)}; device tag: {_ms(tags)}; receipt: {_ms(receipts)}")
    db.dispose()


def test_wizard_known_customer_and_device(qtbot: QtBot, sqlite_url: str, tmp_path: Path) -> None:
    from ui.counter.context import CounterContext
    from ui.counter.draft import DraftStore
    from ui.counter.wizard import IntakeWizard
    from ui.dialogs import ScriptedDialogs
    from ui.settings import Settings
    from ui.tasks import SyncRunner

    db = Database.connect(sqlite_url)
    services = Services.over(db)
    actor = services.staff.resolve_actor(os_username="bench")
    counter = services.counter
    uid = factories.person(db)
    counter.intake.intake(actor, intake_request(uid))  # the device is known from an earlier repair
    cc = CounterContext(counter, services.people, actor, SyncRunner(), ScriptedDialogs(),
                        Settings(tmp_path / "s.ini"), services.incidents.clock)
    started = time.perf_counter()
    w = IntakeWizard(cc, drafts=DraftStore(tmp_path / "d.json"), offer_draft=False)
    qtbot.addWidget(w)
    w.show()
    p1, p2, p3, p4, _p5, p6 = w.pages
    qtbot.keyClicks(p1.search, uid)
    qtbot.keyClick(p1.search, Qt.Key.Key_Return)          # card scan
    qtbot.keyClicks(p2.asset_tag, "NU-104233")
    qtbot.keyClick(p2.asset_tag, Qt.Key.Key_Return)       # tag scan fills make/model/OS
    w.next()
    qtbot.keyClicks(p3.symptoms, "Fan loud, shuts down when hot")
    p3.accessories["Charger"].setChecked(True)
    w.next()
    for b in (p4.backup_yes, p4.wipe_no, p4.login_no):
        b.setChecked(True)
    w.next()
    w.next()
    p6.accept_box.setChecked(True)
    qtbot.mousePress(p6.pad, Qt.MouseButton.LeftButton, pos=QPoint(20, 60))
    for x in range(40, 300, 30):
        qtbot.mouseMove(p6.pad, QPoint(x, 40 + (x % 60)))
    qtbot.mouseRelease(p6.pad, Qt.MouseButton.LeftButton, pos=QPoint(300, 60))
    done: list[object] = []
    w.intake_completed.connect(done.append)
    w.button(w.WizardButton.FinishButton).click()
    elapsed = time.perf_counter() - started
    assert done
    print(f"\nwizard, known customer and device, keyboard and scanner: {elapsed * 1000:.0f} ms of software time "
          f"(the rest of the minute is the customer talking and signing)")
    db.dispose()
