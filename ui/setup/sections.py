"""The sections of the Set-up page, in the order the page lists them.

Each section is its own module with a ``make(ctx, parent) -> QWidget`` and is built the
first time it is chosen (a section's imports and first query wait until then). ``allowed``
is the desk rule that decides whether this login sees the section; the services check the
same rule again on every change.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from desk.rules.permissions import may
from ui.context import DeskContext


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    icon: str          # an icon name (ui.icons), e.g. "mdi6.cog-outline"
    action: str        # the desk rule (desk.rules.permissions) that shows the section
    module: str        # ui.setup.<module>, which has make(ctx, parent)
    tip: str = ""

    def allowed(self, ctx: DeskContext) -> bool:
        return may(ctx.actor, self.action)

    def make(self, ctx: DeskContext, parent: QWidget) -> QWidget:
        make: Callable[[DeskContext, QWidget], QWidget] = importlib.import_module(self.module).make
        return make(ctx, parent)


# One line per section; each feature adds its own line here and nothing else.
SECTIONS: tuple[Section, ...] = (
    Section("services", "Services", "mdi6.room-service-outline", "sla.manage", "ui.setup.services",
            "Services, their SLA and team"),
    Section("slas", "SLAs", "mdi6.timer-outline", "sla.manage", "ui.setup.slas",
            "Response and resolution targets per priority, and their versions"),
    Section("calendars", "Calendars", "mdi6.calendar-clock", "sla.manage", "ui.setup.calendars",
            "Working hours, term periods, holidays and closures"),
    Section("mail", "E-mail", "mdi6.email-outline", "mail.manage", "ui.setup.mail",
            "Which events send mail, per service, and what each message says"),
    Section("escalation", "Escalation", "mdi6.bell-alert-outline", "sla.manage", "ui.setup.escalation",
            "Who is told when a ticket's SLA is at risk or breached, and what else happens"),
    Section("vip", "VIP policy", "mdi6.star-circle-outline", "vip.manage", "ui.setup.vip",
            "The published VIP policy and who holds VIP status"),
    Section("staff", "Staff and roles", "mdi6.account-group-outline", "staff.manage", "ui.setup.staff",
            "Staff accounts, their roles and teams; deactivate instead of delete"),
    Section("models", "Incident models", "mdi6.clipboard-list-outline", "model.manage", "ui.setup.models",
            "Incident models (defaults and checklists) and the major-incident rules"),
)


def visible(ctx: DeskContext) -> list[Section]:
    return [s for s in SECTIONS if s.allowed(ctx)]
