"""The window's start, once its frame is on screen: open the desk off the GUI thread
(``ui.opener``), then attach the window to it, install the features and start what runs
beside it; a desk that cannot be opened is told in the window, which tries again (the
same database, a saved profile, or a URL typed in) when asked. ``ui.app.run`` makes one.
"""
from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from desk.redaction import redact
from ui import collector
from ui.opener import DeskOpener, OpenDesk

if TYPE_CHECKING:
    from ui.main_window import MainWindow
    from ui.tasks import SyncRunner, TaskRunner

log = logging.getLogger(__name__)


class Running:
    """What runs beside an attached window (live updates, mail, the SLA alert job), and
    the database under it: stopped and closed when the window has closed."""

    def __init__(self, desk: OpenDesk, runner: TaskRunner | SyncRunner) -> None:
        self.desk = desk
        self.runner = runner
        self.stops: list[Any] = []
        self.stopped = False      # the start's steps not yet run are not run (in_turns)

    def stop(self) -> None:
        self.stopped = True
        for part in reversed(self.stops):   # the last started stops first
            part.stop()
        self.runner.wait(3000)
        self.desk.services.db.dispose()


class Start(QObject):
    started = Signal()   # attached, and each feature and part beside it given its turn

    def __init__(self, window: MainWindow, opener: DeskOpener, database: str | None, secrets: list[str]) -> None:
        """``database``: the URL given (--database), or None for the usual choice;
        ``secrets``: the passwords masked in what the window shows."""
        super().__init__(window)
        self.window = window
        self.opener = opener
        self.database = database
        self.secrets = secrets
        self.running: Running | None = None
        opener.opened.connect(self._on_opener_opened)
        opener.failed.connect(self._on_opener_failed)
        window.opening.retry_requested.connect(self.retry)
        window.opening.quit_requested.connect(window.close)

    @property
    def opened(self) -> bool:
        return self.running is not None

    def begin(self) -> None:
        self.window.opening.opening()
        self.opener.open(self.database)

    def retry(self, database: str | None) -> None:
        if self.opener.busy() or self.opened:
            return
        self.database = database
        self.begin()

    def stop(self) -> None:
        self.opener.cancel_prompt()
        if self.running is not None:
            self.running.stop()

    def _on_opener_opened(self, desk: OpenDesk) -> None:
        if not self.window.isVisible():   # closed while the desk opened
            desk.services.db.dispose()
            return
        try:
            self.running = attach(self.window, desk, then=self.started.emit)
        except BaseException:
            collector.resume()   # no "started" will come: collect as usual from here
            raise

    def _on_opener_failed(self, message: str) -> None:
        print(f"desk: {message}", file=sys.stderr)
        self.window.opening.failed(message, database_choices(self.database, self.secrets))


def attach(window: MainWindow, desk: OpenDesk, then: Callable[[], None] | None = None) -> Running:
    """The desk is open: the context (the only place one is built) and the window's parts
    now, so the view's rows are asked for at once; then, each on a round of the event loop
    of its own (the window repaints and answers in between), the features, and live
    updates, mail delivery and the SLA alert job (``in_turns``); ``then`` after those.
    GUI thread."""
    from ui.context import build_context
    from ui.dialogs import Dialogs
    from ui.tasks import TaskRunner

    services, actor = desk.services, desk.actor
    ctx = build_context(services, actor, TaskRunner(), window.settings, Dialogs(), desk.services.db.description, desk.site)
    window.attach(ctx)
    running = Running(desk, ctx.runner)

    def feature(install: Callable[[MainWindow, Any], object]) -> Callable[[], None]:
        def step() -> None:
            window.features.append(install(window, ctx))
        return step

    def live() -> None:
        from ui.live import LiveBridge

        bridge = LiveBridge(services, window)
        bridge.changed.connect(ctx.changes.publish)
        bridge.state_changed.connect(window.on_live_state)
        bridge.start()
        running.stops.append(bridge)

    def mail() -> None:
        from ui.mail_delivery import MailDelivery

        delivery = MailDelivery(services, parent=window, actor=actor)   # supervisors also read the mailbox
        delivery.state_changed.connect(window.on_mail_state)
        delivery.delivered.connect(window.on_mail_delivered)
        ctx.changes.changed.connect(lambda _change: delivery.send_now())   # a change may have queued mail
        delivery.start()
        running.stops.append(delivery)

    def sla_watch() -> None:
        from ui.sla_watch import SlaWatch

        # The SLA alert job: this workstation holds it or stands by (technicians and up).
        watch = SlaWatch(services, actor, parent=window)
        watch.state_changed.connect(window.on_sla_watch_state)
        watch.recorded.connect(lambda _ids: window.notifications.poll())
        watch.start()
        running.stops.append(watch)

    from ui.features import INSTALLERS

    in_turns(window, [*(feature(install) for install in INSTALLERS), live, mail, sla_watch,
                      *([then] if then is not None else [])], until=lambda: running.stopped)
    return running


def in_turns(owner: QObject, steps: list[Callable[[], None]],
             until: Callable[[], bool] = lambda: False) -> None:
    """Run ``steps`` in order, each on a round of the event loop of its own, from a timer:
    the window repaints and answers between two of them. (Calls queued with a zero delay
    would not do: Qt delivers the ones queued while it delivers others in the same round,
    so the whole start ran as one 200-260 ms stretch without a repaint.) A step that fails
    does not stop the ones after it; none runs once ``owner`` is deleted or ``until()``
    is true (what was started has been stopped)."""
    pending = list(steps)

    def next_step() -> None:
        if until():
            pending.clear()
            return
        step = pending.pop(0)
        if pending:
            QTimer.singleShot(1, owner, next_step)   # first: a failing step stops nothing
        step()

    if pending:
        QTimer.singleShot(1, owner, next_step)


def database_choices(current: str | None, secrets: list[str]) -> list[tuple[str, str | None]]:
    """What the opening page offers after a failure: the database just tried, then the
    saved profiles (passwords masked in the words shown)."""
    from desk import profiles

    usual = "the usual choice (DESK_DATABASE_URL, the default profile or local SQLite)"
    choices: list[tuple[str, str | None]] = [(redact(current, secrets) if current else usual, current)]
    try:
        listed = profiles.list_profiles()
    except Exception:  # an unreadable profiles file leaves the choice as it was
        log.exception("the profiles could not be read")
        listed = []
    for p in listed:
        if p.url != current:
            choices.append((f"profile {p.name}: {redact(p.url, secrets)}", p.url))
    if current is not None:
        choices.append((usual, None))
    return choices
