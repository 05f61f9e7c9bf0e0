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
    """Window first (issue 14): the frame of the main window is on screen before the
    database layer and the services are imported; the desk is opened off the GUI thread
    (``ui.opener``), then the window is attached to it, the features installed and the
    view the user left filled. A desk that cannot be opened is told in the window, which
    offers a retry (and another database)."""
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
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QMessageBox

    from desk.redaction import redact
    from ui import crash, screen_fit, startup_trace, wheel_guard
    from ui.fonts import use_font_chain
    from ui.main_window import MainWindow
    from ui.opener import DeskOpener, OpenDesk
    from ui.settings import Settings

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
    window = MainWindow(settings=Settings())

    def unsaved() -> dict[str, str]:
        out: dict[str, str] = {}
        if window.attached:
            for panel in window.tabs.tickets():
                if panel.is_dirty():
                    out[panel.number] = repr(panel.changes()) + "\n" + panel.timeline.draft()
        return out

    def tell(msg: str) -> None:
        QMessageBox.critical(window, "Desk", redact(msg, secrets))

    crash.install(log_file, unsaved, tell)

    def ask_password(key: str) -> str | None:
        # Asked once; desk.connection stores it in the system keyring.
        text, ok = QInputDialog.getText(window, "Sign in to Desk", f"Database password for {key}:",
                                        QLineEdit.EchoMode.Password)
        return text if ok and text else None

    opener = DeskOpener(ask_password, secrets, window)
    running: list[_Running] = []

    def opened(desk: OpenDesk) -> None:
        if not window.isVisible():   # closed while it opened
            desk.db.dispose()
            return
        running.append(_attach(window, desk))
        startup_trace.mark("attached")

    def failed(message: str) -> None:
        print(f"desk: {message}", file=sys.stderr)
        window.opening.failed(message, _database_choices(database[0], secrets))

    def retry(chosen: str | None) -> None:
        if opener.busy():
            return
        database[0] = chosen
        window.opening.opening()
        opener.open(chosen)

    database: list[str | None] = [_database_arg(argv)]
    opener.opened.connect(opened)
    opener.failed.connect(failed)
    window.opening.retry_requested.connect(retry)
    window.opening.quit_requested.connect(window.close)
    if startup_trace.enabled():
        _trace_start_up(app, window)
    window.show()
    startup_trace.mark("frame")
    # The opening starts once the frame has been painted (the event loop's first round).
    QTimer.singleShot(0, lambda: opener.open(database[0]))
    try:
        code = int(app.exec())
    finally:
        opener.cancel_prompt()
        for r in running:
            r.stop()
    if not running:   # the desk was never opened: say so in the exit status, as before
        return 2
    return code


class _Running:
    """What runs beside an attached window, stopped when it closes."""

    def __init__(self, desk: Any, stops: list[Any], runner: Any) -> None:
        self.desk, self.stops, self.runner = desk, stops, runner

    def stop(self) -> None:
        for part in self.stops:
            part.stop()
        self.runner.wait(3000)
        self.desk.db.dispose()


def _attach(window: Any, desk: Any) -> _Running:
    """The desk is open: the context (the only place one is built), the window's parts,
    live updates, mail delivery, the features and the SLA alert job. GUI thread."""
    from ui.context import build_context
    from ui.dialogs import Dialogs
    from ui.features import install_features
    from ui.live import LiveBridge
    from ui.mail_delivery import MailDelivery
    from ui.sla_watch import SlaWatch
    from ui.tasks import TaskRunner

    services, actor = desk.services, desk.actor
    ctx = build_context(services, actor, TaskRunner(), window.settings, Dialogs(), desk.db.description, desk.site)
    window.attach(ctx)
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
    return _Running(desk, [watch, mail, live], ctx.runner)


def _database_choices(current: str | None, secrets: list[str]) -> list[tuple[str, str | None]]:
    """What the opening page offers after a failure: the database just tried, then the
    saved profiles (passwords masked in the words shown)."""
    from desk import profiles
    from desk.redaction import redact

    choices: list[tuple[str, str | None]] = [(redact(current, secrets) if current else "the usual choice "
                                              "(DESK_DATABASE_URL, the default profile or local SQLite)", current)]
    try:
        listed = profiles.list_profiles()
    except Exception:  # an unreadable profiles file leaves the choice as it was
        log.exception("the profiles could not be read")
        listed = []
    for p in listed:
        if p.url != current:
            choices.append((f"profile {p.name}: {redact(p.url, secrets)}", p.url))
    return choices


def _trace_start_up(app: Any, window: Any) -> None:
    """The start-up benchmark's marks: shown (after the event loop's first round), the
    first rows of the view the window opens on (once it is attached), and the longest the
    GUI thread kept the event loop waiting in between."""
    from PySide6.QtCore import QTimer

    from ui import startup_trace

    QTimer.singleShot(0, lambda: startup_trace.mark("shown"))
    stall = startup_trace.StallMeter(app)
    seen: list[bool] = []

    def rows(*_args: object) -> None:
        if seen:
            return
        seen.append(True)
        startup_trace.mark("rows", stall_ms=stall.stop())
        if startup_trace.quit_after_rows():
            QTimer.singleShot(0, window.close)

    def attached() -> None:
        if window.attached and not seen:
            window.area.model.loaded.connect(rows)

    window.attached_to_desk.connect(attached)


def _database_arg(argv: list[str]) -> str | None:
    for i, a in enumerate(argv):
        if a == "--database" and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith("--database="):
            return a.split("=", 1)[1]
    return None
