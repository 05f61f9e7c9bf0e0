"""Start-up: check the system, log, show the main window's frame, then open the database
(signing in) and attach the window to it (``ui.start``).

Window first (issue 14): nothing here imports the database layer or the services before
the frame is on screen; ``ui.opener`` imports them off the GUI thread, and ``ui.start``
builds the one context over the services of the composition root.
"""
from __future__ import annotations

import logging
import logging.handlers
import sys
from collections.abc import Callable
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
    from ui import collector, crash, heap_trim, pyside_imports, startup_trace
    from ui.fonts import use_font_chain
    from ui.main_window import MainWindow
    from ui.opener import DeskOpener
    from ui.settings import Settings
    from ui.start import Start

    heap_trim.limit_arenas()   # before Qt and the workers start threads of their own
    from desk.sla import holiday_table

    holiday_table.compute_in_child(True)   # the holidays package's 16 MB stay out of the window
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv[:1])
    startup_trace.mark("qt")
    app.setApplicationName("Desk")
    app.setOrganizationName("Desk")
    secrets: list[str] = []  # the database password once known, masked in the log and dialogs
    log_file = setup_logging("--debug" in argv, secrets)
    use_font_chain(app)  # before any widget (each takes the application font when made); logged
    pyside_imports.stop_caching_sources()  # lazy imports from here on keep no copy of their source
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
    traced_started = None
    if startup_trace.enabled():   # first: its "opened" mark comes before the window is attached
        traced_started = _trace_start_up(app, window, opener)
    start = Start(window, opener, _database_arg(argv), secrets)
    # The collector was paused for the start (ui.launch): frozen and on once running.
    start.started.connect(collector.start_done)
    opener.failed.connect(lambda _message: collector.resume())
    if traced_started is not None:
        start.started.connect(traced_started)
    window.show()
    startup_trace.mark("frame")
    # The opening starts once the frame has been painted (the event loop's first round).
    QTimer.singleShot(0, start.begin)
    try:
        code = int(app.exec())
    finally:
        start.stop()
    if not start.opened:   # the desk was never opened: say so in the exit status, as before
        return 2
    return code


def _trace_start_up(app: Any, window: Any, opener: Any) -> Callable[[], None]:
    """The start-up benchmark's marks: shown (after the event loop's first round), the
    first rows of the view the window opens on (once it is attached), and the longest the
    GUI thread kept the event loop waiting in between; returned, the one to call when
    the start is done (``started``). With DESK_STARTUP_TRACE_QUIT the window closes once
    both the rows and the end of the start are marked."""
    from PySide6.QtCore import QTimer

    from ui import startup_trace

    QTimer.singleShot(0, lambda: startup_trace.mark("shown"))
    stall = startup_trace.StallMeter(app)
    seen: set[str] = set()
    opener.opened.connect(lambda _desk: startup_trace.mark("opened", stall_ms=stall.lap()))

    def reached(event: str) -> None:
        seen.add(event)
        # Each mark carries the longest wait since the one before; the meter stops at the last.
        done = seen >= {"rows", "started"}
        startup_trace.mark(event, stall_ms=stall.stop() if done else stall.lap())
        if done and startup_trace.quit_after_rows():
            QTimer.singleShot(0, window.close)

    def rows(*_args: object) -> None:
        if "rows" not in seen:
            reached("rows")

    def attached() -> None:
        startup_trace.mark("attached")
        if "rows" not in seen:
            window.area.model.loaded.connect(rows)

    def started() -> None:
        reached("started")

    window.attached_to_desk.connect(attached)
    return started


def _database_arg(argv: list[str]) -> str | None:
    for i, a in enumerate(argv):
        if a == "--database" and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith("--database="):
            return a.split("=", 1)[1]
    return None
