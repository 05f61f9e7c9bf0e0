"""One tick of the SLA alert job as a workstation (or ``desk escalation watch``) runs it:
hold the lease or stand by; while holding, record what has crossed and say when the next
crossing is due, so the caller can sleep exactly until then."""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
from dataclasses import dataclass

from desk.actor import Actor
from desk.clock import Clock, utc_now
from desk.escalation.lease import Lease
from desk.escalation.service import EscalationService, RunReport

INTERVAL = dt.timedelta(seconds=30)    # stand-by's look at the lease; the holder's longest sleep


def holder_name(actor: Actor) -> str:
    """How the lease names this process: the machine, the login, the process."""
    return f"workstation {socket.gethostname()} ({actor.username}, pid {os.getpid()})"


@dataclass(frozen=True)
class Tick:
    holding: bool
    report: RunReport | None
    next_at: dt.datetime | None     # the next crossing, as things stand

    def sleep_s(self, now: dt.datetime, interval: dt.timedelta = INTERVAL) -> float:
        """How long to wait before the next tick."""
        wait = interval
        if self.holding and self.next_at is not None:
            wait = min(wait, max(self.next_at - now, dt.timedelta(0)))
        return wait.total_seconds()


class AlertWatch:
    def __init__(self, service: EscalationService, actor: Actor, lease: Lease, clock: Clock = utc_now) -> None:
        self.service = service
        self.actor = actor
        self.lease = lease
        self.clock = clock

    def tick(self) -> Tick:
        try:
            if not self.lease.hold():
                return Tick(False, None, None)
            now = self.clock()
            report = self.service.run(self.actor, holder=self.lease.holder, now=now)
            return Tick(True, report, self.service.next_crossing(now))
        except Exception:
            # A holder that cannot do the job (its account deactivated under it, its rights
            # taken: on PostgreSQL its open connection would keep the lock for ever) gives
            # it back, so a stand-by takes over; this one tries again at its next tick.
            with contextlib.suppress(Exception):
                self.lease.release()
            raise

    def stop(self) -> None:
        self.lease.release()
