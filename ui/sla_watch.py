"""The SLA alert job on an open workstation: a thread of its own that holds the job's
lease or stands by (desk.escalation.lease), and while holding records each at-risk point
and breach at the instant it happens — it sleeps exactly until the next one is due, so
an alert is never a sweep interval late.

Only a technician's (or higher) workstation takes part; counter-only workstations never
hold it. Tickets an alert changed (a reassignment, a raised urgency, the breach stored)
are announced on the change hub by the live updates like any other write.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading

from PySide6.QtCore import QObject, Signal

from desk.actor import Actor
from desk.bootstrap import Services
from desk.errors import DeskError
from desk.escalation import lease as leases
from desk.escalation.watch import INTERVAL, AlertWatch, holder_name
from desk.rules.permissions import may

log = logging.getLogger(__name__)


class SlaWatch(QObject):
    recorded = Signal(object)      # frozenset[int]: tickets an alert was recorded on
    state_changed = Signal(str)    # for the status bar, in words

    def __init__(self, services: Services, actor: Actor, *, parent: QObject | None = None,
                 interval: dt.timedelta = INTERVAL) -> None:
        super().__init__(parent)
        self.services = services
        self.actor = actor
        self.interval = interval
        self.enabled = may(actor, "sla.alerts")
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._watch: AlertWatch | None = None
        self.holding = False

    def start(self) -> None:
        if self.enabled and self._thread is None:
            self._watch = AlertWatch(self.services.escalation, self.actor,
                                     leases.for_database(self.services.db, holder_name(self.actor),
                                                         clock=self.services.clock),
                                     self.services.clock)
            self._thread = threading.Thread(target=self._run, name="desk-sla-watch", daemon=True)
            self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop and give the job back at once (a stand-by need not wait for the lapse)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            if self._thread.is_alive():
                # Still inside a tick: its connection is in use there, so the lease is left
                # to lapse (a stand-by takes over within TTL) rather than released under it.
                log.warning("the SLA alert job is still busy; it lapses on its own")
                self._watch = None
            self._thread = None
        if self._watch is not None:
            try:
                self._watch.stop()
            except Exception:    # quitting must not fail; the lease lapses anyway
                log.warning("could not give the SLA alert job back; it lapses on its own", exc_info=True)
            self._watch = None

    def _run(self) -> None:
        while not self._stop.is_set():
            wait = self.run_once()
            if self._stop.wait(wait):
                return

    def run_once(self) -> float:
        """One tick (the thread's loop, or a test); returns the seconds until the next."""
        assert self._watch is not None
        try:
            tick = self._watch.tick()
        except DeskError as exc:
            self.state_changed.emit(f"SLA alerts: {exc}")
            return self.interval.total_seconds()
        except Exception:     # the thread must keep going: logged, shown, tried again
            log.exception("SLA alert job failed")
            self.state_changed.emit("SLA alerts: the job failed (see the log)")
            return self.interval.total_seconds()
        if tick.holding != self.holding:
            self.holding = tick.holding
            self.state_changed.emit("SLA alerts: watched here" if tick.holding else "")
        if tick.report is not None and tick.report.incidents:
            self.recorded.emit(tick.report.incidents)
        # At least a second: a crossing due "now" is recorded by the next tick, not a spin.
        return max(1.0, tick.sleep_s(self.services.clock(), self.interval))
