"""The supervisor dashboard's figures, on both engines."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import insert, select

from db.engine import Database
from db.enums import Role
from db.models import Incident, Team
from desk.actor import Actor
from desk.bootstrap import Services
from desk.errors import PermissionDenied
from desk.queue.service import QueueService
from desk.queue.spec import builtin
from tests import factories

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 4, 15, 0, tzinfo=UTC)  # Wednesday 10:00 in New York
H = dt.timedelta(hours=1)


def ticket(n: int, team: int | None, **kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "number": f"INC-{n:06d}", "title": f"T{n}", "description": "", "impact": "low", "urgency": "low",
        "priority": "P3", "priority_explanation": "P3", "channel": "phone", "status": "assigned",
        "team_id": team, "is_major": False, "version": 1, "opened_at": NOW - 2 * H, "updated_at": NOW,
        "responded_at": None, "resolved_at": None, "response_breached_at": None, "resolution_breached_at": None,
        "response_at_risk_at": None, "resolution_at_risk_at": None, "response_due_at": None,
        "resolution_due_at": None, "sla_paused_at": None,
    }
    row.update(kw)
    return row


def build(db: Database) -> tuple[str, str]:
    with db.writing() as s:
        teams = dict(s.execute(select(Team.name, Team.id)).all())
        net, desk = teams["Network"], teams["Service Desk"]
        rows = [
            ticket(1, net, response_at_risk_at=NOW - H, response_due_at=NOW + H),          # at risk
            ticket(2, net, response_breached_at=NOW - H),                                   # breached
            ticket(3, net, response_due_at=NOW - 0.1 * H),                                  # due passed: breached
            ticket(4, net, response_at_risk_at=NOW + H, response_due_at=NOW + 2 * H),       # fine
            ticket(5, net, status="pending_parts", responded_at=NOW - H, sla_paused_at=NOW - H,
                   resolution_at_risk_at=NOW - H),                                          # paused: not at risk
            ticket(6, net, status="resolved", responded_at=NOW - H, resolved_at=NOW - 0.5 * H),  # not open
            ticket(7, desk, opened_at=NOW - 400 * H, is_major=True, status="in_progress"),  # oldest, major
            ticket(8, None, status="new", opened_at=NOW - 300 * H),
            # last week: one response met, one breached
            ticket(9, desk, status="closed", opened_at=NOW - 8 * 24 * H, responded_at=NOW - 8 * 24 * H + H,
                   resolved_at=NOW - 7.5 * 24 * H, closed_at=NOW - 7 * 24 * H),
            ticket(10, desk, status="cancelled", opened_at=NOW - 8 * 24 * H,
                   response_breached_at=NOW - 7.9 * 24 * H),
        ]
        s.execute(insert(Incident.__table__), rows)
    return "Network", "Service Desk"


def test_dashboard_counts(services: Services, admin: Actor) -> None:
    net, desk = build(services.db)
    d = Services.over(services.db, lambda: NOW).dashboard.snapshot(admin)
    by_team = {t.team: (t.open, t.at_risk, t.breached) for t in d.teams}
    assert by_team == {net: (5, 1, 2), desk: (1, 0, 0), "(no team)": (1, 0, 0)}
    assert (d.totals.open, d.totals.at_risk, d.totals.breached) == (7, 1, 2)
    assert d.week_start == dt.date(2026, 11, 2)
    assert (d.this_week.opened, d.this_week.resolved, d.this_week.response_measured) == (6, 1, 3)
    assert d.this_week.response_met == 2  # INC-5 and INC-6 responded in time; INC-2 breached
    assert (d.last_week.opened, d.last_week.response_measured, d.last_week.response_met) == (2, 2, 1)
    assert [o.number for o in d.oldest[:2]] == ["INC-000007", "INC-000008"]
    assert [m.number for m in d.majors] == ["INC-000007"]


def test_dashboard_is_for_supervisors(services: Services, admin: Actor) -> None:
    tech = factories.staff(services, admin, "tech-dash", Role.TECHNICIAN)
    with pytest.raises(PermissionDenied):
        Services.over(services.db, lambda: NOW).dashboard.snapshot(tech)


def test_at_risk_and_breached_views_list_what_the_dashboard_counts(services: Services, admin: Actor) -> None:
    """One definition (desk.sla.outcome): the views hold exactly the dashboard's tickets."""
    build(services.db)
    d = Services.over(services.db, lambda: NOW).dashboard.snapshot(admin)
    q = QueueService(services.db, lambda: NOW)
    at_risk = {r.number for r in q.first_page(builtin("at_risk").spec, admin, 100)}
    breached = {r.number for r in q.first_page(builtin("breached").spec, admin, 100)}
    assert at_risk == {"INC-000001"} and len(at_risk) == d.totals.at_risk
    assert breached == {"INC-000002", "INC-000003"} and len(breached) == d.totals.breached
