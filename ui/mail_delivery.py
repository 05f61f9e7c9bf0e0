"""Delivering the outbox from an open workstation: every minute, on a thread of its own
(SMTP can take seconds; neither the GUI thread nor the write thread may wait for it).

Any number of workstations (and cron's ``desk mail send``) may do this at once: the
outbox's claims hand each message to one of them. Tickets whose mail changed state
re-read their conversation (``delivered``); the status bar says how mail is doing.
"""
from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Signal

from desk.bootstrap import Services
from desk.errors import DeskError

log = logging.getLogger(__name__)
INTERVAL_S = 60.0
MIN_GAP_S = 5.0    # a burst of changes wakes it once, not once each


class MailDelivery(QObject):
    delivered = Signal(object)     # frozenset[int]: incidents whose mail changed state
    state_changed = Signal(str)    # for the status bar, in words

    def __init__(self, services: Services, *, interval_s: float = INTERVAL_S, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="desk-mail", daemon=True)
            self._thread.start()

    def send_now(self) -> None:
        """Deliver at once (after a change that queued mail), not at the next minute."""
        self._wake.set()

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            self.run_once()
            if self._stop.wait(MIN_GAP_S):
                return
            self._wake.wait(max(self.interval_s - MIN_GAP_S, 0.0))
            self._wake.clear()

    def run_once(self) -> None:
        """One round (the thread's loop, or a test): signals are queued to the GUI thread."""
        mail = self.services.mail
        try:
            config = mail.config()
            if not config.configured:
                self.state_changed.emit("")          # nothing to say: mail is not set up
                return
            report = mail.send(limit=500)
        except DeskError as exc:
            self.state_changed.emit(f"mail: {exc}")
            return
        except Exception:       # the thread must keep going: logged, shown, tried again next round
            log.exception("mail delivery failed")
            self.state_changed.emit("mail: delivery failed (see the log)")
            return
        if report.incidents:
            self.delivered.emit(frozenset(report.incidents))
        waiting = mail.counts().get("queued", 0)
        if report.problems and not report.sent:
            self.state_changed.emit(f"mail: {waiting:,} waiting — {report.problems[-1]}")
        elif waiting:
            self.state_changed.emit(f"mail: {waiting:,} waiting")
        else:
            self.state_changed.emit("mail: all sent" if config.enabled else "mail: off")
