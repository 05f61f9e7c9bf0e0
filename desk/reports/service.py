"""ReportService: gathers an SLA report's figures in one read-only unit of work."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from db import audit_chain
from db.engine import Database
from desk.actor import Actor
from desk.clock import Clock
from desk.common.site import Site
from desk.counter.satisfaction import SatisfactionService
from desk.reports import sla_queries as q
from desk.reports.errors import ReportCancelled
from desk.reports.params import ReportParams
from desk.reports.provenance import describe_head, desk_version, sla_and_calendar_versions
from desk.reports.sla_data import Provenance, SlaReport
from desk.reports.working_set import working_set
from desk.rules.permissions import require

Progress = Callable[[float, str], None]
Cancelled = Callable[[], bool]


def _noop(_f: float, _m: str) -> None:
    return None


class ReportService:
    def __init__(self, db: Database, clock: Clock, site: Site, satisfaction: SatisfactionService) -> None:
        self.db = db
        self.clock = clock
        self.site = site
        self.satisfaction = satisfaction   # the walk-up ratings' section

    def sla_report(self, actor: Actor, params: ReportParams, *, progress: Progress = _noop,
                   cancelled: Cancelled = lambda: False) -> SlaReport:
        """All figures of the report; ``progress`` gets 0..1 with a word on the step."""
        require(actor, "report.run")
        params = params.in_zone_of(self.site)
        # Each step's own result type; SlaReport's constructor is where they meet again.
        got: dict[str, Any] = {}
        steps: list[tuple[str, Callable[..., object]]] = [
            ("summary", q.summary),
            ("weekly counts", q.week_counts),
            ("weekly trend", lambda s, sc: q.weeks(s, sc, got["weekly counts"])),
            ("compliance", lambda s, sc: q.compliance(s, sc, params.group_by, got["weekly counts"])),
            ("backlog ageing", q.ageing), ("VIP policy", q.vip_usage), ("breaches", q.breaches),
        ]
        with self.db.reading() as s:
            scope = q.resolve_scope(s, params)
            progress(0.0, "Selecting the period's tickets…")
            with working_set(s, scope) as rows:
                for i, (name, fn) in enumerate(steps):
                    if cancelled():
                        raise ReportCancelled()
                    progress((i + 1) / (len(steps) + 1), f"Counting {name}…")
                    got[name] = fn(s, rows)
            slas, calendars = sla_and_calendar_versions(s, scope.service_ids, scope.start, scope.end)
            head = describe_head(*audit_chain.head(s.connection()))
        progress(1.0, "Figures ready")
        prov = Provenance(
            generated_at=self.clock(), generated_by=f"{actor.display_name} ({actor.username})",
            database=self.db.description, sla_versions=slas, calendar_versions=calendars,
            desk_version=desk_version(), audit_head=head,
        )
        satisfaction = self.satisfaction.between(scope.start, scope.end)
        return SlaReport(params, prov, got["summary"], got["compliance"], got["weekly trend"],
                         got["backlog ageing"], got["VIP policy"], got["breaches"], satisfaction)

    def filter_choices(self) -> dict[str, list[str]]:
        """Names a report can be filtered by (for the report dialog's lists)."""
        from sqlalchemy import select

        from db.models import Service, Team

        with self.db.reading() as s:
            return {
                "services": list(s.execute(select(Service.name).order_by(Service.name)).scalars()),
                "teams": list(s.execute(select(Team.name).order_by(Team.name)).scalars()),
            }

    def write_sla_pdf(self, actor: Actor, params: ReportParams, out: Path, *,
                      progress: Progress = _noop, cancelled: Cancelled = lambda: False,
                      own_process: bool = False) -> tuple[SlaReport, int]:
        """Gather and print the report to ``out``; returns the figures and the page count.

        Queries take the first 30 % of the progress bar, typesetting the rest.
        ``own_process``: typeset in a child process (``desk.reports.pdf_process``), so a
        long-running window does not keep the fonts and pages in its memory.
        """
        report = self.sla_report(actor, params, progress=lambda f, m: progress(0.3 * f, m),
                                 cancelled=cancelled)
        typeset = lambda f, m: progress(0.3 + 0.7 * f, m)  # noqa: E731
        if own_process:
            from desk.reports.pdf_process import build_in_child

            return report, build_in_child(report, out, typeset, cancelled)
        from desk.reports.sla_pdf import build_sla_report

        return report, build_sla_report(report, out, progress=typeset, cancelled=cancelled)

