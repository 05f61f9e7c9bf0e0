"""Render the supervisor dashboard of the real main window to PNG (README screenshot).

    DISPLAY=:84 python -m tests.ui.render_dashboard --database URL OUT.png [--dark]

Opens the window on the database given, opens Reports → Supervisor dashboard as a
supervisor would, waits for its first read, and grabs the window.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database", required=True)
    ap.add_argument("--dark", action="store_true", help="the dark palette of ui.theme")
    ap.add_argument("out", type=Path)
    args = ap.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen")

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from desk.bootstrap import Services
    from desk.connection import choose, open_database
    from ui import theme
    from ui.context import build_context
    from ui.dialogs import Dialogs
    from ui.features import install_features
    from ui.live import LiveBridge
    from ui.main_window import MainWindow
    from ui.reports.dashboard import SupervisorDashboard
    from ui.settings import Settings
    from ui.tasks import TaskRunner

    if args.dark:
        app.setPalette(theme.dark_palette())
    db = open_database(choose(args.database))
    services = Services.over(db)
    actor = services.staff.resolve_actor()
    ctx = build_context(services, actor, TaskRunner(), Settings(Path(tempfile.mkdtemp()) / "desk.ini"), Dialogs(),
                        db.description, services.site)
    w = MainWindow(ctx)
    live = LiveBridge(services, w)          # as ui/app.py: other workstations' changes come in
    live.changed.connect(ctx.changes.publish)
    live.start()
    install_features(w, ctx)
    w.resize(1600, 1000)
    w.show()

    def open_dashboard() -> None:
        w._pages["dashboard"]()   # what choosing "Supervisor dashboard" in the navigation does
        dash = w.tabs.currentWidget()
        assert isinstance(dash, SupervisorDashboard)
        dash.refreshed.connect(lambda: QTimer.singleShot(800, grab))

    def grab() -> None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        w.grab().save(str(args.out))
        app.quit()

    QTimer.singleShot(600, open_dashboard)
    QTimer.singleShot(30_000, app.quit)   # never hang a make target
    app.exec()
    live.stop()
    ctx.runner.wait(3000)
    db.dispose()
    return 0 if args.out.exists() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
