"""One place for unexpected errors: log them, tell the user where the log is, keep their typing.

Expected failures (desk.errors, database gone/locked) are shown in words by the
widget that asked; anything else reaches this hook.
"""
from __future__ import annotations

import datetime as dt
import logging
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal

from desk import paths

log = logging.getLogger("desk.crash")

# Returns {ticket number: unsaved text} from open windows, to be written to disk.
UnsavedCollector = Callable[[], dict[str, str]]


def save_unsaved(collect: UnsavedCollector | None) -> Path | None:
    if collect is None:
        return None
    try:
        unsaved = collect()
    except Exception:
        log.exception("could not collect unsaved text")
        return None
    if not unsaved:
        return None
    folder = paths.data_dir() / "recovered"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"unsaved-{dt.datetime.now():%Y%m%d-%H%M%S}.txt"
    path.write_text("\n\n".join(f"== {k} ==\n{v}" for k, v in unsaved.items()), encoding="utf-8")
    return path


class _GuiThread(QObject):
    """Runs a function on the thread it was made on (the GUI thread): widgets, the unsaved
    text in them and message boxes may be touched only there."""

    call = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.call.connect(self._run, Qt.ConnectionType.QueuedConnection)

    def _run(self, fn: Callable[[], None]) -> None:
        fn()


_relay: list[_GuiThread] = []  # kept alive for the process


def install(log_file: Path, collect: UnsavedCollector | None = None,
            show: Callable[[str], None] | None = None) -> None:
    """Route unexpected errors of every thread here; call it on the GUI thread."""
    gui = _GuiThread()
    _relay[:] = [gui]

    def tell_user(kind: type[BaseException], exc: BaseException) -> None:
        kept = save_unsaved(collect)
        message = (f"Desk hit an unexpected error: {kind.__name__}: {exc}\n\n"
                   f"Details are in the log: {log_file}")
        if kept:
            message += f"\n\nYour unsaved text was kept in {kept}."
        if show is not None:
            try:
                show(message)
            except Exception:
                log.exception("could not show the crash dialog")

    def handle(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        log.critical("unexpected error:\n%s", "".join(traceback.format_exception(kind, exc, tb)))
        if threading.current_thread() is threading.main_thread():
            tell_user(kind, exc)
        else:  # a worker thread: log at once, reach the widgets from the GUI thread
            gui.call.emit(lambda: tell_user(kind, exc))

    sys.excepthook = handle

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        handle(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback)

    threading.excepthook = thread_hook
