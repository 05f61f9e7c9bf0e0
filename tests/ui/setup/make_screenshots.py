"""Pictures of the Set-up sections on a demo database (docs/screenshots/setup/).

    .venv/bin/desk --database sqlite:////tmp/setupsla.sqlite3 demo --tickets 3000
    DISPLAY=:82 .venv/bin/python -m tests.ui.setup.make_screenshots sqlite:////tmp/setupsla.sqlite3 docs/screenshots/setup
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication

from db.engine import Database
from desk.bootstrap import Services
from ui.context import build_context
from ui.dialogs import ScriptedDialogs
from ui.settings import Settings
from ui.setup.page import SetupPage
from ui.tasks import SyncRunner


def main(url: str, out: Path) -> None:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    services = Services.over(Database.connect(url))
    actor = services.staff.resolve_actor()
    ctx = build_context(services, actor, SyncRunner(), Settings(Path(tempfile.mkdtemp()) / "desk.ini"),
                        ScriptedDialogs([False]), services.db.description, services.site)
    page = SetupPage(ctx)
    page.resize(1400, 860)
    page.show()
    out.mkdir(parents=True, exist_ok=True)
    ics = Path(__file__).resolve().parents[2] / "data" / "university-closures.ics"
    for key in ("services", "slas", "calendars"):
        widget: Any = page.show_section(key)
        if key == "services":
            widget.table.selectRow(1)
        if key == "slas":
            # A target change tried and not confirmed: the what-if stays in sight, nothing saved.
            widget.resolution["P3"].setText("2bd")
            widget.save()
        if key == "calendars":
            names = [widget.list.item(i).text() for i in range(widget.list.count())]
            widget.list.setCurrentRow(names.index("service-desk"))
            widget.tabs.setCurrentIndex(4)
            widget.ics_path.setText(str(ics))
            widget.preview_ics()
        for _ in range(5):
            app.processEvents()
        page.grab().save(str(out / f"{key}.png"))
        print(out / f"{key}.png")

if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
