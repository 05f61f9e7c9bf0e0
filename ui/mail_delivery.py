"""Delivering the outbox from an open workstation: every minute, on a thread of its own
(SMTP can take seconds; neither the GUI thread nor the write thread may wait for it).
A supervisor's workstation with the mailbox's password in its keyring also reads the
desk's mailbox in the same round, as `desk mail fetch` does from cron.

Any number of workstations (and cron's ``desk mail send``) may do this at once: the
outbox's claims hand each message to one of them. Tickets whose mail changed state
re-read their conversation (``delivered``); the status bar says how mail is doing.
"""
from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Signal

from desk.actor import Actor
from desk.bootstrap import Services
from desk.errors import DeskError
from desk.mail.config import MailConfig
from desk.rules.permissions import may

log = logging.getLogger(__name__)
INTERVAL_S = 60.0
MIN_GAP_S = 5.0    # a burst of changes wakes it once, not once each


class MailDelivery(QObject):
    delivered = Signal(object)     # frozenset[int]: incidents whose mail changed state
    state_changed = Signal(str)    # for the status bar, in words

    fetched = Signal(object)       # FetchReport: mail that became tickets or replies

    def __init__(self, services: Services, *, interval_s: float = INTERVAL_S, parent: QObject | None = None,
                 actor: Actor | None = None, min_gap_s: float = MIN_GAP_S) -> None:
        super().__init__(parent)
        self.services = services
        self.min_gap_s = min_gap_s
        # Who fetches (None: this workstation only sends). Mail is read into tickets as them.
        self.actor = actor if actor is not None and may(actor, "mail.fetch") else None
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
            if self._stop.wait(self.min_gap_s):
                return
            self._wake.wait(max(self.interval_s - self.min_gap_s, 0.0))
            self._wake.clear()

    _fetch_problem = ""

    def _fetch(self, config: MailConfig) -> None:
        """Read the mailbox first (a reply's acknowledgement can then go out in this round)."""
        self._fetch_problem = ""
        if self.actor is None or not config.imap_configured:
            return
        if self.services.mail.imap_login_here() is None:
            return            # this machine was not given the mailbox's password: cron does it
        try:
            report = self.services.inbound.fetch(self.actor, limit=100)
        except DeskError as exc:
            self._fetch_problem = str(exc)
            return
        if report.outcomes:
            self.fetched.emit(report)

    def run_once(self) -> None:
        """One round (the thread's loop, or a test): signals are queued to the GUI thread."""
        mail = self.services.mail
        try:
            config = mail.config()
            if not config.configured:
                self.state_changed.emit("")          # nothing to say: mail is not set up
                return
            self._fetch(config)
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
        if self._fetch_problem:
            self.state_changed.emit(f"mail in: {self._fetch_problem}")
            return
        waiting = mail.counts().get("queued", 0)
        if report.problems and not report.sent:
            self.state_changed.emit(f"mail: {waiting:,} waiting — {report.problems[-1]}")
        elif waiting:
            self.state_changed.emit(f"mail: {waiting:,} waiting")
        else:
            self.state_changed.emit("mail: all sent" if config.enabled else "mail: off")
