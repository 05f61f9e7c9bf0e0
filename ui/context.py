"""Everything a window needs, built once in ui/app.py and passed in through constructors."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desk.actor import Actor
from desk.bootstrap import Services
from desk.queue.saved_views import SavedViewService
from desk.queue.service import QueueService
from desk.workstation.detail import TicketDetailService
from desk.workstation.scan import ScanService
from ui.dialogs import Dialogs
from ui.settings import Settings
from ui.tasks import SyncRunner, TaskRunner


@dataclass
class DeskContext:
    services: Services
    queue: QueueService
    saved_views: SavedViewService
    actor: Actor
    runner: TaskRunner | SyncRunner
    settings: Settings
    dialogs: Dialogs
    connection: str            # "local SQLite …" / "PostgreSQL …" for the status bar
    details: TicketDetailService
    scan: ScanService
    sla: Any | None = None     # desk.sla.service.SlaService once the SLA engine is installed

    @property
    def clock(self) -> Any:
        return self.queue.clock


def build_context(services: Services, actor: Actor, runner: TaskRunner | SyncRunner, settings: Settings,
                  dialogs: Dialogs, connection: str, sla: Any | None = None) -> DeskContext:
    db, clock = services.db, services.incidents.clock
    return DeskContext(services=services, queue=QueueService(db, clock),
                       saved_views=SavedViewService(db, clock), actor=actor, runner=runner,
                       settings=settings, dialogs=dialogs, connection=connection,
                       details=TicketDetailService(db, clock), scan=ScanService(db), sla=sla)
