"""Pictures of the Set-up sections on a demo database (docs/screenshots/setup/).

    .venv/bin/desk --database sqlite:////tmp/setupsla.sqlite3 demo --tickets 3000
    DISPLAY=:82 .venv/bin/python -m tests.ui.setup.make_screenshots sqlite:////tmp/setupsla.sqlite3 docs/screenshots/setup
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

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
                        ScriptedDialogs(), services.db.description, services.site)
    page = SetupPage(ctx)
    page.resize(1400, 860)
    page.show()
    out.mkdir(parents=True, exist_ok=True)
    for key in ("services", "slas", "calendars"):
        widget = page.show_section(key)
        if key == "services":
            table = widget.findChild(type(widget.table), "services_table")  # type: ignore[attr-defined]
            table.selectRow(1)
        if key == "calendars":
            widget.tabs.setCurrentIndex(0)  # type: ignore[attr-defined]
        for _ in range(5):
            app.processEvents()
        page.grab().save(str(out / f"{key}.png"))
        print(out / f"{key}.png")


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
