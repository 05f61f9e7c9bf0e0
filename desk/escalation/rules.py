"""Escalation rules: what happens when a ticket's target becomes at risk or is breached.

A rule is looked up by the ticket's service and priority, the most specific row first:
(service, priority), (service, any), (any, priority), (any, any). The first row found
applies whole; with no row at all the desk's built-in default applies (at risk: tell the
assignee and the team; breach: tell the assignee and the team lead).
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import EscalationRule, Service, Team


@dataclass(frozen=True)
class Rule:
    at_risk_notify_assignee: bool = True
    at_risk_notify_team: bool = True
    breach_notify_assignee: bool = True
    breach_notify_lead: bool = True
    breach_reassign_team: str | None = None
    breach_raise_urgency: bool = False
    by_mail: bool = False

    def describe(self) -> str:
        """The rule in words, as the set-up page and ``desk escalation list`` show it."""
        risk = [w for on, w in ((self.at_risk_notify_assignee, "the assignee"),
                                (self.at_risk_notify_team, "the team")) if on]
        breach = [w for on, w in ((self.breach_notify_assignee, "the assignee"),
                                  (self.breach_notify_lead, "the team lead")) if on]
        parts = [f"at risk: tell {' and '.join(risk)}" if risk else "at risk: tell no one",
                 f"breach: tell {' and '.join(breach)}" if breach else "breach: tell no one"]
        if self.breach_reassign_team:
            parts.append(f"reassign to {self.breach_reassign_team}")
        if self.breach_raise_urgency:
            parts.append("raise the urgency one step")
        if self.by_mail:
            parts.append("also by e-mail")
        return "; ".join(parts)


DEFAULT = Rule()
SETTINGS = tuple(f.name for f in fields(Rule))


@dataclass(frozen=True)
class RuleRow:
    id: int | None
    service: str | None       # None: any service
    priority: str | None      # None: any priority
    rule: Rule

    @property
    def scope(self) -> str:
        return f"{self.service or 'any service'}, {self.priority or 'any priority'}"


def _view(s: Session, row: EscalationRule) -> RuleRow:
    service = s.get(Service, row.service_id).name if row.service_id else None  # type: ignore[union-attr]
    team = s.get(Team, row.breach_reassign_team_id) if row.breach_reassign_team_id else None
    return RuleRow(row.id, service, row.priority, Rule(
        row.at_risk_notify_assignee, row.at_risk_notify_team, row.breach_notify_assignee, row.breach_notify_lead,
        team.name if team else None, row.breach_raise_urgency, row.by_mail))


def all_rules(s: Session) -> list[RuleRow]:
    rows = s.execute(select(EscalationRule)).scalars().all()
    views = [_view(s, r) for r in rows]
    # Most general first, as a reader goes from the default to the exceptions.
    return sorted(views, key=lambda v: (v.service is not None, v.service or "", v.priority is not None,
                                        v.priority or ""))


def rule_for(s: Session, service_id: int | None, priority: str) -> tuple[Rule, int | None]:
    """The rule that applies to a ticket of this service and priority, and its row id
    (None: the built-in default)."""
    rows = s.execute(select(EscalationRule).where(
        (EscalationRule.service_id.is_(None)) | (EscalationRule.service_id == service_id),
        (EscalationRule.priority.is_(None)) | (EscalationRule.priority == priority))).scalars().all()
    if not rows:
        return DEFAULT, None
    best = max(rows, key=lambda r: (r.service_id is not None, r.priority is not None))
    view = _view(s, best)
    return view.rule, best.id


def rule_of_scope(s: Session, service_id: int | None, priority: str | None) -> Rule:
    """The rule tickets of this scope get as things stand: its own row, else the most
    specific row above it. ``priority`` None is any priority, so a row of one priority
    (which never applied to the others) is not above it; likewise for the service."""
    rows = s.execute(select(EscalationRule).where(
        (EscalationRule.service_id.is_(None)) | (EscalationRule.service_id == service_id),
        (EscalationRule.priority.is_(None)) | (EscalationRule.priority == priority))).scalars().all()
    if not rows:
        return DEFAULT
    return _view(s, max(rows, key=lambda r: (r.service_id is not None, r.priority is not None))).rule


def changed(rule: Rule, **settings: object) -> Rule:
    unknown = set(settings) - set(SETTINGS)
    if unknown:
        raise ValueError(f"unknown escalation settings: {sorted(unknown)}")
    return replace(rule, **settings)  # type: ignore[arg-type]
