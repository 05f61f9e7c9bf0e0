"""Render the Set-up page's people sections in the real window to PNG (README screenshots).

    DISPLAY=:83 python -m tests.ui.setup.render_setup --database URL docs/screenshots/setup

Opens the main window on the database, chooses Tools → Desk set-up… and saves one PNG per
section (vip.png, staff.png, models.png, mail.png)."""
from __future__ import annotations

import argparse
from pathlib import Path

KEYS = ("vip", "staff", "models", "mail")


def main(url: str, out: Path) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from desk.bootstrap import Services
    from desk.connection import choose, open_database
    from ui.context import build_context
    from ui.dialogs import Dialogs
    from ui.features import install_features
    from ui.main_window import MainWindow
    from ui.settings import Settings
    from ui.setup.page import SetupPage
    from ui.tasks import TaskRunner

    db = open_database(choose(url))
    services = Services.over(db)
    actor = services.staff.resolve_actor()
    out.mkdir(parents=True, exist_ok=True)
    ctx = build_context(services, actor, TaskRunner(), Settings(out / ".screenshot.ini"), Dialogs(),
                        db.description, services.site)
    w = MainWindow(ctx)
    install_features(w, ctx)
    w.resize(1600, 980)
    w.show()
    action = next(a for a in w.actions() if a.text().replace("&", "") == "Desk set-up…")

    def page() -> SetupPage:
        found = w.findChild(SetupPage)
        assert found is not None
        return found

    steps = [(800, action.trigger)]
    at = 1000
    for key in KEYS:
        steps += [(at, lambda k=key: page().show_section(k)),
                  (at + 1500, lambda k=key: w.grab().save(str(out / f"{k}.png")))]
        at += 1800
    steps.append((at, app.quit))
    for delay, fn in steps:
        QTimer.singleShot(delay, fn)
    app.exec()
    ctx.runner.wait()
    (out / ".screenshot.ini").unlink(missing_ok=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("out", type=Path)
    ns = parser.parse_args()
    main(ns.database, ns.out)
