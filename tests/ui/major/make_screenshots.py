"""Regenerates the major-incident pictures in the README:
QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.ui.major.make_screenshots docs/screenshots/major
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from db.engine import Database
from db.enums import Role
from desk.bootstrap import Services
from desk.incidents.service import NewIncident
from tests import dbtools, factories
from tests.conftest import FakeClock
from ui.context import build_context
from ui.dialogs import ScriptedDialogs
from ui.features import install_features
from ui.main_window import MainWindow
from ui.major.board import MajorBoard
from ui.major.install import MajorTools, service_for
from ui.major.panel import MajorIncidentPanel
from ui.settings import Settings
from ui.tasks import SyncRunner


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="major-shots-"))
    url = f"sqlite:///{work / 'desk.sqlite3'}"
    dbtools.migrated_seeded(url)
    db = Database.connect(url)
    clock = FakeClock()  # Mon 2 Nov 2026, 09:00 in New York
    svcs = Services.over(db, clock)
    admin = svcs.staff.resolve_actor(os_username="first-admin")
    sup = factories.staff(svcs, admin, "mreyes", Role.SUPERVISOR)
    tina = factories.staff(svcs, admin, "tnguyen", Role.TECHNICIAN)
    factories.staff(svcs, admin, "okafor", Role.TECHNICIAN)
    app = QApplication.instance() or QApplication([])
    ctx = build_context(svcs, sup, SyncRunner(), Settings(work / "desk.ini"), ScriptedDialogs(), "demo", svcs.site)
    m = service_for(ctx)
    num = svcs.incidents.open(tina, NewIncident(title="Eduroam unavailable in all libraries",
                                                service="Wi-Fi & Network", impact="high", urgency="high")).number
    m.promote(sup, num, reason="Campus-wide Wi-Fi authentication failing", manager="tnguyen",
              team=[("okafor", "technical lead"), ("mreyes", "communications")])
    for i in range(4):
        clock.advance(minutes=2)
        c = svcs.incidents.open(tina, NewIncident(title=f"Cannot connect to eduroam — building {i + 1}",
                                                  service="Wi-Fi & Network"))
        m.link_children(sup, num, [c.number])
    clock.advance(minutes=10)
    m.post_update(sup, num, "RADIUS servers failing over; users can use the guest network meanwhile.",
                  next_update_in_minutes=20)
    clock.advance(minutes=25)
    for i in range(10):
        svcs.incidents.open(tina, NewIncident(title=f"Print job stuck ({i})", service="Printing"))
        clock.advance(minutes=1)
    m.page(sup, service="Email & Calendar", summary="IMAP latency above 5 s", source="zabbix")

    def shot(widget, name: str, w: int, h: int) -> None:  # type: ignore[no-untyped-def]
        widget.resize(w, h)
        widget.show()
        for _ in range(20):
            app.processEvents()
        widget.grab().save(str(out / name))

    shot(MajorIncidentPanel(ctx, num, m), "major-panel.png", 900, 760)
    shot(MajorBoard(ctx, m), "major-board.png", 1000, 520)
    window = MainWindow(ctx)
    tools = next(t for t in install_features(window, ctx) if isinstance(t, MajorTools))
    tools.open_major(num)
    shot(window, "main-window-major.png", 1600, 900)
    svcs.incidents.transition(tina, num, "in_progress")
    m.resolve(sup, num, code="fixed", note="RADIUS certificate renewed; authentication restored.")
    m.write_report(sup, num, work / "post-incident.pdf")
    print(work / "post-incident.pdf")   # pdftoppm -png -r 70 -f 1 -l 1 it for the README picture
    db.dispose()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots/major"))
