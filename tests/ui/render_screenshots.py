"""Render the main window on a demo database to PNG (README screenshots).

    DESK_DATA_DIR=... python -m tests.ui.render_screenshots docs/screenshots

Uses the database Desk would open (see README, "Choosing the database").
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(out: Path) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from desk.bootstrap import Services
    from desk.connection import choose, open_database
    from ui.context import build_context
    from ui.dialogs import Dialogs
    from ui.live import LiveBridge
    from ui.main_window import MainWindow
    from ui.settings import Settings
    from ui.tasks import TaskRunner

    db = open_database(choose(None))
    services = Services.over(db)
    actor = services.staff.resolve_actor()
    ctx = build_context(services, actor, TaskRunner(), Settings(out / ".screenshot.ini"), Dialogs(),
                        db.description, services.site)
    matching = _incident_with_a_known_error(services, ctx, actor)
    w = MainWindow(ctx)
    live = LiveBridge(w.ctx.services, w)
    live.changed.connect(w.ctx.changes.publish)
    live.state_changed.connect(w.on_live_state)
    live.start()
    w.resize(1680, 980)
    w.show()
    out.mkdir(parents=True, exist_ok=True)
    steps = [
        (400, lambda: w.views.select("all_open")),
        (1200, lambda: (w.queue.setCurrentIndex(w.queue_model.index(1, 0)), w.open_selected())),
        (2600, lambda: w.grab().save(str(out / "main-window.png"))),
        (2700, lambda: (w.search.setText("eduroam"), w._on_search_return_pressed())),
        (3400, lambda: (w.queue.setCurrentIndex(w.queue_model.index(0, 0)), w.open_selected())),
        (4400, lambda: w.grab().save(str(out / "search-and-detail.png"))),
        # The Problems view (problem records) with a problem open in a tab.
        (4500, lambda: (w.search.clear(), w.views.select("problems"))),
        (5200, lambda: (w.problems.table.setCurrentIndex(w.problems.model.index(0, 0)), w.problems.open_selected())),
        (6200, lambda: w.grab().save(str(out / "problems-view.png"))),
    ]
    if matching:   # an incident where a known error's workaround is offered
        steps += [
            (6300, lambda: w.open_ticket(matching)),
            (7300, lambda: w.current_panel().ensureWidgetVisible(w.current_panel().known_box, 0, 260)),
            (7600, lambda: w.grab().save(str(out / "known-error-offered.png"))),
        ]
    steps.append((7800, app.quit))
    for delay, fn in steps:
        QTimer.singleShot(delay, fn)
    app.exec()
    live.stop()
    ctx.runner.wait()
    (out / ".screenshot.ini").unlink(missing_ok=True)


def _incident_with_a_known_error(services, ctx, actor) -> str | None:  # type: ignore[no-untyped-def]
    """An open incident, not yet linked, on which a known error's workaround is offered."""
    from desk.problems.listing import ProblemQuery
    from desk.queue.spec import QueueFilter, QueueSpec

    for known in services.problems.page(ProblemQuery(scope="known_error"), 0, 20):
        if not known.service:
            continue
        spec = QueueSpec(QueueFilter(open_only=True, service=known.service), sort="updated", descending=True)
        for row in ctx.queue.first_page(spec, actor, 50):
            offered = services.problems.known_errors_for(row.number)
            if offered and not any(m.linked for m in offered):
                return row.number
    return None


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
