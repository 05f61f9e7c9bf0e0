"""Start-up: check the system, open the database, sign in, show the main window.

This module wires everything (engine, services, settings) and passes it in through
constructors; nothing else in ``ui`` reaches the database layer.
"""
from __future__ import annotations

import sys

from ui.qt_check import explain, missing_libraries, no_display


def run(argv: list[str]) -> int:
    missing = missing_libraries()
    if missing:
        print(explain(missing), file=sys.stderr)
        return 1
    if no_display():
        print("Desk needs a display: no DISPLAY or WAYLAND_DISPLAY is set. Run it in a desktop session "
              "(or under Xvfb: xvfb-run desk).", file=sys.stderr)
        return 1
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    from desk.connection import choose, open_database
    from desk.services.bundle import Services

    app = QApplication.instance() or QApplication(argv[:1])
    db = open_database(choose(_database_arg(argv)))
    services = Services.over(db)
    actor = services.staff.resolve_actor()
    window = QMainWindow()
    window.setWindowTitle(f"Desk — {actor.display_name} ({actor.role_label}) — {db.description}")
    window.setCentralWidget(QLabel("Desk"))
    window.resize(1200, 800)
    window.show()
    return int(app.exec())


def _database_arg(argv: list[str]) -> str | None:
    for i, a in enumerate(argv):
        if a == "--database" and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith("--database="):
            return a.split("=", 1)[1]
    return None
