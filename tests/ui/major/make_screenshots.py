"""Regenerates the major-incident pictures in the README:
QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.ui.major.make_screenshots resources/screenshots/major
"""
import datetime as dt
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from db.engine import Database
from db.enums import Role
from desk.services.bundle import Services
from desk.services.incidents import NewIncident
from tests import dbtools, factories
from tests.conftest import FakeClock
from ui.context import build_context
from ui.dialogs import ScriptedDialogs
from ui.major.board import MajorBoard
from ui.major.install import service_for
from ui.major.panel import MajorIncidentPanel
from ui.settings import Settings
from ui.tasks import SyncRunner

out = Path(sys.argv[1] if len(sys.argv) > 1 else "resources/screenshots/major"); out.mkdir(parents=True, exist_ok=True)
url = "sqlite:////tmp/major-shots.sqlite3"
Path("/tmp/major-shots.sqlite3").unlink(missing_ok=True)
dbtools.migrated_seeded(url)
db = Database.connect(url)
clock = FakeClock(dt.datetime(2026, 11, 2, 14, 0, tzinfo=dt.UTC))
svcs = Services.over(db, clock)
admin = svcs.staff.resolve_actor(os_username="first-admin")
sup = factories.staff(svcs, admin, "mreyes", Role.SUPERVISOR)
tina = factories.staff(svcs, admin, "tnguyen", Role.TECHNICIAN)
factories.staff(svcs, admin, "okafor", Role.TECHNICIAN)
app = QApplication([])
ctx = build_context(svcs, sup, SyncRunner(), Settings(Path("/tmp/ms.ini")), ScriptedDialogs(), "demo")
m = service_for(ctx)
num = svcs.incidents.open(tina, NewIncident(title="Eduroam unavailable in all libraries", service="Wi-Fi & Network", impact="high", urgency="high")).number
m.promote(sup, num, reason="Campus-wide Wi-Fi authentication failing", manager="tnguyen", team=[("okafor", "technical lead"), ("mreyes", "communications")])
for i in range(4):
    clock.advance(minutes=2)
    c = svcs.incidents.open(tina, NewIncident(title=f"Cannot connect to eduroam — building {i+1}", service="Wi-Fi & Network"))
    m.link_children(sup, num, [c.number])
clock.advance(minutes=10)
m.post_update(sup, num, "RADIUS servers failing over; users can use the guest network meanwhile.", next_update_in_minutes=20)
clock.advance(minutes=25)
for i in range(10):
    svcs.incidents.open(tina, NewIncident(title=f"Print job stuck ({i})", service="Printing"))
    clock.advance(minutes=1)
m.page(sup, service="Email & Calendar", summary="IMAP latency above 5 s", source="zabbix")
p = MajorIncidentPanel(ctx, num, m); p.resize(900, 760); p.show(); app.processEvents(); p.grab().save(str(out / "major-panel.png"))
b = MajorBoard(ctx, m); b.resize(1000, 520); b.show(); app.processEvents(); b.grab().save(str(out / "major-board.png"))
svcs.incidents.transition(tina, num, "in_progress")
m.resolve(sup, num, code="fixed", note="RADIUS certificate renewed; authentication restored.")
m.write_report(sup, num, Path("/tmp/post-incident.pdf"))
print(out)
