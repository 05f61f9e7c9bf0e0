"""Opening the desk off the GUI thread, while the window's frame is already on screen
(issue 14): import the database layer and the services, connect (asking for a password
on the GUI thread when the server wants one), build the services once in the composition
root (``desk.bootstrap``), find who is signed in and read the desk's settings. The window
hears ``opened`` or ``failed`` on the GUI thread.

Python imports take a lock per module: the GUI thread imports nothing of what this thread
is importing while it runs (the frame's modules are imported before it starts, and what
``MainWindow.attach`` and the features need is imported here, before ``opened``), so the
two never wait on each other. The GIL is shared, so the GUI thread still gets its turns
while the imports run; the start-up benchmark measures how long it waited at most.
"""
from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, Slot

from desk.redaction import redact
from ui.errors import describe, is_expected

if TYPE_CHECKING:
    from desk.actor import Actor
    from desk.bootstrap import Services
    from desk.common.site import Site

log = logging.getLogger(__name__)

# What the window needs once the desk is open, imported by the opening thread so that the
# GUI thread finds it loaded: the services, then the window's parts and the features.
PRELOAD = (
    "desk.bootstrap", "desk.connection",
    "ui.icons", "ui.context", "ui.tasks", "ui.dialogs", "ui.queue.area", "ui.queue.views_panel",
    "ui.problems.list_view", "ui.problems.detail", "ui.tabs", "ui.incidents.page", "ui.live",
    "ui.mail_delivery", "ui.sla_watch", "ui.features",
)


@dataclass(frozen=True)
class OpenDesk:
    """What the window is built over: the services (and through them the database), who
    is acting, the site. The window reaches the database only through the services."""
    services: Services
    actor: Actor
    site: Site


class DeskOpener(QObject):
    """Opens the desk on a thread of its own, one attempt at a time."""

    opened = Signal(object)          # OpenDesk
    failed = Signal(str)             # why, in words, passwords masked
    _asked = Signal(str)             # the opening thread needs a password: asked on the GUI thread

    def __init__(self, ask_password: Callable[[str], str | None], secrets: list[str],
                 parent: QObject | None = None) -> None:
        """``ask_password(key)``: the sign-in prompt (GUI thread); ``secrets``: the list of
        passwords the window's log and messages mask, extended with the ones learnt here."""
        super().__init__(parent)
        self._ask_password = ask_password
        self._secrets = secrets
        self._answer: list[str | None] = []
        self._answered = threading.Event()
        self._busy = False
        self._asked.connect(self._on_asked)

    def busy(self) -> bool:
        """An attempt is under way (false again once its result is on its way to the window)."""
        return self._busy

    def open(self, database: str | None) -> None:
        """Start opening ``database`` (a URL; None: DESK_DATABASE_URL, the profile, local SQLite)."""
        if self._busy:
            raise RuntimeError("the desk is being opened already")
        self._busy = True
        threading.Thread(target=self._work, args=(database,), name="desk-open", daemon=True).start()

    def _work(self, database: str | None) -> None:
        try:
            opened = self._open(database)
        except Exception as exc:  # every failure is told in the window, which offers a retry
            if not is_expected(exc):
                log.exception("opening the desk failed")
            self._busy = False
            self.failed.emit(redact(describe(exc), self._secrets))
            return
        self._busy = False
        self.opened.emit(opened)

    def _open(self, database: str | None) -> OpenDesk:
        from ui import heap_trim

        heap_trim.limit_sqlite_heap()   # before any connection fills its caches
        for name in PRELOAD:
            importlib.import_module(name)
        from ui import icons, pyside_imports

        icons.read_all()   # the window's icons are drawn on the GUI thread: no file read there
        pyside_imports.warm_enums()   # nor Qt's enum types made there
        from desk.bootstrap import Services
        from desk.connection import choose, open_database

        target = choose(database)
        self._secrets.extend(p for p in (target.url.password,) if p)
        db = open_database(target, prompt=self._prompt)
        try:
            self._secrets.extend(p for p in (db.engine.url.password,) if p)
            services = Services.over(db)
            actor = services.staff.resolve_actor()
            site = services.site   # read here, so no widget reads it on the GUI thread
        except BaseException:
            db.dispose()
            raise
        log.info("signed in as %s on %s", actor.username, db.description)
        return OpenDesk(services, actor, site)

    def _prompt(self, key: str) -> str | None:
        """desk.connection's password prompt, on the opening thread: asks on the GUI thread and waits."""
        self._answered.clear()
        self._answer.clear()
        self._asked.emit(key)
        self._answered.wait()
        return self._answer[0] if self._answer else None

    @Slot(str)
    def _on_asked(self, key: str) -> None:
        answer: Any = None
        try:
            answer = self._ask_password(key)
        finally:
            self._answer[:] = [answer]
            self._answered.set()

    def cancel_prompt(self) -> None:
        """The window is closing: a thread waiting for a password gets none."""
        self._answered.set()
