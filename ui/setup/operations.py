"""The Set-up page's writes: services, SLAs and calendars, one function each.

A catalogue or SLA change moves no ticket (open tickets keep the SLA version they were
opened under), so those publish nothing; a calendar change re-measures open tickets, so
it tells every view to re-read when it moved any."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from desk.live.watcher import Change
from desk.sla.admin import TargetText, VersionSaved
from desk.sla.service_setup import ServiceInfo
from ui.context import DeskContext
from ui.operations import WriteOp, nothing


def _remeasured(result: VersionSaved) -> Change | None:
    return Change(refresh=True) if result.open_tickets_remeasured else None


def add_service(ctx: DeskContext, name: str, *, description: str, sla: str, team: str | None,
                categories: list[str]) -> WriteOp[ServiceInfo]:
    svc = ctx.services.service_catalogue
    return WriteOp(ctx, f"Add service {name}",
                   lambda: svc.add(ctx.actor, name, description=description, sla=sla, team=team,
                                   categories=categories), nothing)


def update_service(ctx: DeskContext, name: str, *, new_name: str, description: str, sla: str,
                   team: str, categories: list[str]) -> WriteOp[ServiceInfo]:
    svc = ctx.services.service_catalogue
    return WriteOp(ctx, f"Change service {name}",
                   lambda: svc.update(ctx.actor, name, new_name=new_name, description=description, sla=sla,
                                      team=team, categories=categories), nothing)


def set_service_active(ctx: DeskContext, name: str, active: bool) -> WriteOp[ServiceInfo]:
    svc = ctx.services.service_catalogue
    return WriteOp(ctx, f"{'Bring back' if active else 'Retire'} service {name}",
                   lambda: svc.set_active(ctx.actor, name, active), nothing)


def assign_sla(ctx: DeskContext, service: str, sla: str) -> WriteOp[ServiceInfo]:
    svc = ctx.services.service_catalogue
    return WriteOp(ctx, f"SLA {sla} for {service}", lambda: svc.assign_sla(ctx.actor, service, sla), nothing)


def create_sla(ctx: DeskContext, name: str, *, copy_from: str, calendar: str | None) -> WriteOp[VersionSaved]:
    admin = ctx.services.sla_admin
    return WriteOp(ctx, f"Create SLA {name}",
                   lambda: admin.create_sla(ctx.actor, name, copy_from=copy_from, calendar=calendar), nothing)


def set_targets(ctx: DeskContext, sla: str, targets: dict[str, TargetText], *, at_risk_percent: int | None,
                effective_from: dt.datetime | None) -> WriteOp[VersionSaved]:
    admin = ctx.services.sla_admin
    return WriteOp(ctx, f"Change the targets of {sla}",
                   lambda: admin.set_targets(ctx.actor, sla, targets, at_risk_percent=at_risk_percent,
                                             effective_from=effective_from), nothing)


def calendar_change(ctx: DeskContext, calendar: str, label: str,
                    work: Callable[[], VersionSaved]) -> WriteOp[VersionSaved]:
    """``work``: a call of one ``SlaAdmin`` calendar method (it re-measures open tickets)."""
    return WriteOp(ctx, f"{label} ({calendar})", work, _remeasured)


def create_calendar(ctx: DeskContext, work: Callable[[], VersionSaved]) -> WriteOp[VersionSaved]:
    """``work``: ``SlaAdmin.create_calendar`` with the form's values (a new calendar measures nothing yet)."""
    return WriteOp(ctx, "Create calendar", work, nothing)
