"""Reference data every new database starts with (supervisors change it later)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from db import security
from db.engine import Database
from db.models import (
    Category,
    Department,
    NumberSequence,
    RuleAction,
    RuleAuditField,
    RulePriority,
    RuleTransition,
    RuleUrgencyRank,
    Service,
    Team,
    VipPolicy,
)
from desk import resources


def seed_reference_data(db: Database) -> None:
    with db.writing() as s:
        _seed(s)
        seed_rules(s)


def seed_rules(s: Session) -> None:
    """The rule tables the server's triggers read, written afresh from ``desk.rules`` so
    the server enforces exactly what the core does."""
    from desk.rules.lifecycle import (
        INCIDENT_OPENING,
        INCIDENT_TRANSITIONS,
        PROBLEM_OPENING,
        PROBLEM_TRANSITIONS,
    )
    from desk.rules.permissions import ACTIONS, AUDIT_EVENT_ACTIONS
    from desk.rules.priority import MATRIX, URGENCY_ORDER

    for model in (RulePriority, RuleUrgencyRank, RuleTransition, RuleAction, RuleAuditField):
        s.execute(delete(model))
    s.add_all(RulePriority(impact=i.value, urgency=u.value, priority=p.value) for (i, u), p in MATRIX.items())
    s.add_all(RuleUrgencyRank(urgency=u.value, rank=n) for n, u in enumerate(URGENCY_ORDER))
    moves: list[tuple[str, str, str]] = [("incident", "", st.value) for st in INCIDENT_OPENING]
    moves += [("problem", "", st.value) for st in PROBLEM_OPENING]
    moves += [("incident", a.value, b.value) for a, targets in INCIDENT_TRANSITIONS.items() for b in targets]
    moves += [("problem", a.value, b.value) for a, targets in PROBLEM_TRANSITIONS.items() for b in targets]
    s.add_all(RuleTransition(record=r, from_status=a, to_status=b) for r, a, b in moves)
    s.add_all(RuleAction(action=a, role=r.value) for a, r in ACTIONS.items())
    server_written = dict.fromkeys(security.covered_fields())
    for (entity, field), action in {**server_written, **AUDIT_EVENT_ACTIONS}.items():
        s.add(RuleAuditField(entity=entity, field=field, action=action))


def _seed(s: Session) -> None:
    data = resources.load_json("reference", "catalogue.json")
    teams = {t.name: t for t in s.execute(select(Team)).scalars()}
    for t in data["teams"]:
        if t["name"] not in teams:
            teams[t["name"]] = Team(name=t["name"], email=t.get("email"), active=True)
            s.add(teams[t["name"]])
    s.flush()
    services = set(s.execute(select(Service.name)).scalars())
    for sv in data["services"]:
        if sv["name"] not in services:
            s.add(Service(name=sv["name"], description=sv.get("description"), sla_name=sv.get("sla"),
                          default_team_id=teams[sv["team"]].id, active=True))
    categories = set(s.execute(select(Category.name)).scalars())
    for c in data["categories"]:
        if c not in categories:
            s.add(Category(name=c))
    departments = {d.name: d for d in s.execute(select(Department)).scalars()}
    for d in data["departments"]:
        if d["name"] not in departments:
            parent = departments.get(d.get("parent", ""))
            departments[d["name"]] = Department(name=d["name"], parent_id=parent.id if parent else None)
            s.add(departments[d["name"]])
            s.flush()
    if s.execute(select(func.count(VipPolicy.id))).scalar_one() == 0:
        s.add(VipPolicy(version=1, text=data["vip_policy"], urgency_levels_raised=1,
                        published_at=dt.datetime.fromisoformat(data["vip_policy_published"])))
    for prefix in ("INC", "PRB"):
        if s.get(NumberSequence, prefix) is None:
            s.add(NumberSequence(name=prefix, last_value=0))
    s.flush()
    # Incident models reference services and categories, so they come after them.
    from desk.incident_models.seed import seed_incident_models
    seed_incident_models(s)
    s.flush()
    # Business-hours calendars and SLA targets (desk.sla owns them).
    from desk.sla.seed import seed_sla_defaults
    seed_sla_defaults(s)
    s.flush()
