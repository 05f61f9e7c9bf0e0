"""Start-up: check the system, log, open the database (signing in), show the main window.

This module wires everything (engine, services, settings) and passes it in through
constructors; nothing else in ``ui`` reaches the database layer.
"""
from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path
from typing import Any

from ui.qt_check import explain, explain_display, missing_libraries, no_display, unreachable_display

log = logging.getLogger(__name__)


def setup_logging(debug: bool = False, secrets: list[str] | None = None) -> Path:
    """A rotating log in the user log directory; Qt's own messages go into it too.

    Every handler masks passwords (``secrets`` and any inside a URL or conninfo).
    """
    from desk import paths
    from desk.redaction import RedactingFilter

    folder = paths.log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    log_file = folder / "desk.log"
    handler = logging.handlers.RotatingFileHandler(log_file, maxBytes=2_000_000, backupCount=5,
                                                   encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(lambda: secrets or ()))
    root = logging.getLogger()
    for existing in root.handlers:  # the console keeps to warnings (errors with --quiet); the file gets the detail
        existing.setLevel(logging.DEBUG if debug else max(existing.level, logging.WARNING))
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if debug else logging.INFO)

    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    qt_log = logging.getLogger("qt")
    levels = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}

    def qt_handler(kind: QtMsgType, _context: Any, message: str) -> None:
        qt_log.log(levels.get(kind, logging.INFO), message)

    qInstallMessageHandler(qt_handler)
    return log_file


def run(argv: list[str]) -> int:
    missing = missing_libraries()
    if missing:
        print(explain(missing), file=sys.stderr)
        return 1
    if no_display():
        print("Desk needs a display: no DISPLAY or WAYLAND_DISPLAY is set. Run it in a desktop session "
              "(or under Xvfb: xvfb-run desk).", file=sys.stderr)
        return 1
    unreachable = unreachable_display()
    if unreachable is not None:
        print(explain_display(unreachable), file=sys.stderr)
        return 1
    from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QMessageBox

    from desk.bootstrap import Services
    from desk.connection import choose, open_database
    from desk.errors import DeskError
    from desk.redaction import redact
    from ui import crash, screen_fit, startup_trace, wheel_guard
    from ui.context import build_context
    from ui.dialogs import Dialogs
    from ui.features import install_features
    from ui.fonts import use_font_chain
    from ui.live import LiveBridge
    from ui.mail_delivery import MailDelivery
    from ui.main_window import MainWindow
    from ui.settings import Settings
    from ui.sla_watch import SlaWatch
    from ui.tasks import TaskRunner

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv[:1])
    startup_trace.mark("qt")
    app.setApplicationName("Desk")
    app.setOrganizationName("Desk")
    secrets: list[str] = []  # the database password once known, masked in the log and dialogs
    log_file = setup_logging("--debug" in argv, secrets)
    use_font_chain(app)  # before any widget (each takes the application font when made); logged
    wheel_guard.install(app)  # before any widget: the wheel changes only a focused box
    screen_fit.install(app)   # every dialog fits the screen it opens on
    window_ref: list[MainWindow] = []

    def unsaved() -> dict[str, str]:
        out: dict[str, str] = {}
        for w in window_ref:
            for panel in w.tabs.tickets():
                if panel.is_dirty():
                    out[panel.number] = repr(panel.changes()) + "\n" + panel.timeline.draft()
        return out

    def tell(msg: str) -> None:
        QMessageBox.critical(None, "Desk", redact(msg, secrets))

    crash.install(log_file, unsaved, tell)

    def ask_password(key: str) -> str | None:
        # Asked once; desk.connection stores it in the system keyring.
        text, ok = QInputDialog.getText(None, "Sign in to Desk", f"Database password for {key}:",
                                        QLineEdit.EchoMode.Password)
        return text if ok and text else None

    target = choose(_database_arg(argv))
    secrets.extend(p for p in (target.url.password,) if p)
    try:
        db = open_database(target, prompt=ask_password)
        secrets.extend(p for p in (db.engine.url.password,) if p)
        services = Services.over(db)
        actor = services.staff.resolve_actor()
    except DeskError as exc:
        message = redact(str(exc), secrets)
        QMessageBox.critical(None, "Desk cannot start", message)
        print(f"desk: {message}", file=sys.stderr)
        return 2
    log.info("signed in as %s on %s", actor.username, db.description)
    ctx = build_context(services, actor, TaskRunner(), Settings(), Dialogs(), db.description, services.site)
    window = MainWindow(ctx)
    window_ref.append(window)
    live = LiveBridge(services, window)
    live.changed.connect(ctx.changes.publish)
    live.state_changed.connect(window.on_live_state)
    live.start()
    mail = MailDelivery(services, parent=window, actor=actor)   # supervisors also read the mailbox
    mail.state_changed.connect(window.on_mail_state)
    mail.delivered.connect(window.on_mail_delivered)
    ctx.changes.changed.connect(lambda _change: mail.send_now())   # a change may have queued mail
    mail.start()
    install_features(window, ctx)
    # The SLA alert job: this workstation holds it or stands by (technicians and up).
    watch = SlaWatch(services, actor, parent=window)
    watch.state_changed.connect(window.on_sla_watch_state)
    watch.recorded.connect(lambda _ids: window.notifications.poll())
    watch.start()
    if startup_trace.enabled():
        _trace_start_up(app, window)
    window.show()
    try:
        return int(app.exec())
    finally:
        watch.stop()
        mail.stop()
        live.stop()
        ctx.runner.wait(3000)
        db.dispose()


def _trace_start_up(app: Any, window: Any) -> None:
    """The start-up benchmark's marks: shown (after the event loop's first round) and the
    first rows of the view the window opens on."""
    from PySide6.QtCore import QTimer

    from ui import startup_trace

    QTimer.singleShot(0, lambda: startup_trace.mark("shown"))
    seen: list[bool] = []

    def rows(*_args: object) -> None:
        if seen:
            return
        seen.append(True)
        startup_trace.mark("rows")
        if startup_trace.quit_after_rows():
            QTimer.singleShot(0, window.close)

    window.area.model.loaded.connect(rows)


def _database_arg(argv: list[str]) -> str | None:
    for i, a in enumerate(argv):
        if a == "--database" and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith("--database="):
            return a.split("=", 1)[1]
    return None
