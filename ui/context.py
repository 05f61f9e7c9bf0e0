"""Everything a window needs, built once in ui/start.py and passed in through constructors.

The services come from the composition root (desk.bootstrap); this adds what only the UI
has: who is signed in, the task runner, settings and the dialog seam."""
from __future__ import annotations

from dataclasses import dataclass, field

from desk.actor import Actor
from desk.bootstrap import Services
from desk.clock import Clock
from desk.common.site import Site
from desk.queue.saved_views import SavedViewService
from desk.queue.service import QueueService
from desk.sla.service import SlaService
from desk.workstation.detail import TicketDetailService
from desk.workstation.scan import ScanService
from ui.changes import ChangeHub
from ui.dialogs import Dialogs
from ui.settings import Settings
from ui.tasks import SyncRunner, TaskRunner


@dataclass
class DeskContext:
    services: Services
    actor: Actor
    runner: TaskRunner | SyncRunner
    settings: Settings
    dialogs: Dialogs
    connection: str            # "local SQLite …" / "PostgreSQL …" for the status bar
    # The desk's settings (its time zone: every time the window shows is on its clock),
    # read before the window opens, so no widget reads it on the GUI thread.
    site: Site
    changes: ChangeHub = field(default_factory=ChangeHub)   # "something changed", one channel

    @property
    def clock(self) -> Clock:
        return self.services.clock

    # The services the workstation's widgets ask most, by their short names.
    @property
    def queue(self) -> QueueService:
        return self.services.queue

    @property
    def saved_views(self) -> SavedViewService:
        return self.services.saved_views

    @property
    def details(self) -> TicketDetailService:
        return self.services.details

    @property
    def scan(self) -> ScanService:
        return self.services.scan

    @property
    def sla(self) -> SlaService:
        return self.services.sla


def build_context(services: Services, actor: Actor, runner: TaskRunner | SyncRunner, settings: Settings,
                  dialogs: Dialogs, connection: str, site: Site) -> DeskContext:
    """``site``: ``services.site``, read by the caller at start-up (one query, before any window)."""
    return DeskContext(services=services, actor=actor, runner=runner, settings=settings, dialogs=dialogs,
                       connection=connection, site=site)
