"""The composition root: every service of the desk over one database, built once here
and handed to the UI and the CLI (Cosmic Python's bootstrap). Nothing else builds a
service; a feature asks this bundle for the ones it needs.

The core services are built at once. The heavier features (the counter with its
printing, major incidents, reports, the SLA administration) are built the first time
they are asked for, still once, so a window opens without importing what it may never
use; an error in one of them surfaces where it is used, never swallowed.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from db.engine import Database
from desk.clock import Clock, utc_now
from desk.common import site as site_settings
from desk.common.site import Site
from desk.incidents.service import IncidentService
from desk.mail.notify import Notifier
from desk.people.service import PeopleService
from desk.people.staff import StaffService
from desk.problems.listing import ProblemListService
from desk.problems.service import ProblemService
from desk.queue.saved_views import SavedViewService
from desk.queue.service import QueueService
from desk.sla.service import SlaService
from desk.workstation.detail import TicketDetailService
from desk.workstation.scan import ScanService

if TYPE_CHECKING:
    from desk.counter.bundle import CounterServices
    from desk.escalation.service import EscalationService
    from desk.inbound.service import InboundService
    from desk.incident_models import IncidentModelService
    from desk.knowledge.service import KnowledgeService
    from desk.mail.service import MailService
    from desk.major.service import MajorIncidentService
    from desk.replies.service import CannedReplyService
    from desk.reports.dashboard import DashboardService
    from desk.reports.service import ReportService
    from desk.sla.admin import SlaAdmin
    from desk.sla.preview import ChangePreviews
    from desk.sla.service_setup import ServiceCatalogueAdmin


@dataclass(eq=False)
class Services:
    db: Database
    clock: Clock
    incidents: IncidentService
    people: PeopleService
    problems: ProblemService
    staff: StaffService
    queue: QueueService
    saved_views: SavedViewService
    details: TicketDetailService
    scan: ScanService
    problem_list: ProblemListService
    sla: SlaService
    notifier: Notifier

    @classmethod
    def over(cls, db: Database, clock: Clock = utc_now) -> Services:
        notifier = Notifier(db, clock)
        incidents = IncidentService(db, clock, notifier)
        problem_list = ProblemListService(db)
        return cls(db=db, clock=clock, incidents=incidents, notifier=notifier,
                   people=PeopleService(db, clock, incidents),
                   problems=ProblemService(db, clock, problem_list), staff=StaffService(db, clock),
                   queue=QueueService(db, clock), saved_views=SavedViewService(db, clock),
                   details=TicketDetailService(db, clock), scan=ScanService(db),
                   problem_list=problem_list, sla=SlaService(db, clock))

    @cached_property
    def site(self) -> Site:
        """The desk's settings (its time zone), read once from the database when first asked."""
        return site_settings.load(self.db, self.clock())

    @cached_property
    def mail(self) -> MailService:
        from desk.mail.service import MailService

        return MailService(self.db, self.clock, self.notifier)

    @cached_property
    def knowledge(self) -> KnowledgeService:
        from desk.knowledge.service import KnowledgeService

        return KnowledgeService(self.db, self.clock)

    @cached_property
    def replies(self) -> CannedReplyService:
        from desk.replies.service import CannedReplyService

        return CannedReplyService(self.db, self.clock)

    @cached_property
    def inbound(self) -> InboundService:
        from desk.inbound.service import InboundService

        return InboundService(self.db, self.clock, self.incidents)

    @cached_property
    def counter(self) -> CounterServices:
        from desk.counter.bundle import CounterServices

        return CounterServices.over(self.db, self.clock, self.incidents, self.site)

    @cached_property
    def incident_models(self) -> IncidentModelService:
        return self.counter.models

    @cached_property
    def major(self) -> MajorIncidentService:
        from desk.major.service import MajorIncidentService

        return MajorIncidentService(self.db, self.clock, self.incidents, self.problems, self.site)

    @cached_property
    def reports(self) -> ReportService:
        from desk.reports.service import ReportService

        return ReportService(self.db, self.clock, self.site, self.counter.satisfaction)

    @cached_property
    def dashboard(self) -> DashboardService:
        from desk.reports.dashboard import DashboardService

        return DashboardService(self.db, self.clock, self.site, self.counter.satisfaction)

    @cached_property
    def escalation(self) -> EscalationService:
        from desk.escalation.service import EscalationService

        return EscalationService(self.db, self.clock, self.incidents, self.site)

    @cached_property
    def sla_admin(self) -> SlaAdmin:
        from desk.sla.admin import SlaAdmin

        return SlaAdmin(self.db, self.clock)

    @cached_property
    def service_catalogue(self) -> ServiceCatalogueAdmin:
        from desk.sla.service_setup import ServiceCatalogueAdmin

        return ServiceCatalogueAdmin(self.db, self.clock)

    @cached_property
    def change_previews(self) -> ChangePreviews:
        from desk.sla.preview import ChangePreviews

        return ChangePreviews(self.db, self.clock)
