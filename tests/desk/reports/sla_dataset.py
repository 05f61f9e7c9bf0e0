"""A controlled data set for the report tests: incidents inserted with Core, their SLA
columns filled here (not by the SLA engine) so the tests do not depend on its timing.

It deliberately contains the awkward cases: tickets exactly on period edges, the DST
change of 1 November 2026, breaches recorded although the final time is within target
(priority lowered later), unresolved breaches, cancelled and closed tickets, missing
service/team/assignee, and titles a PDF or spreadsheet could misread.
"""
from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import insert, select

from db.engine import Database
from db.enums import Channel, IncidentStatus, Priority
from db.models import Incident, Service, StaffAccount, Team, VipPolicy

UTC = dt.UTC
TARGETS = {  # (response, resolution) in business seconds
    "P1": (15 * 60, 4 * 3600), "P2": (30 * 60, 8 * 3600), "P3": (4 * 3600, 30 * 3600),
    "P4": (10 * 3600, 50 * 3600), "P5": (20 * 3600, 200 * 3600),
}
AWKWARD_TITLES = [
    "Projector <b>dead</b> & fan noisy in HUM 101",
    "=HYPERLINK(\"http://evil\",\"x\")", "+1 555 0100 voicemail broken", "-rf wiped?", "@admin mail",
    "Wi-Fi 断线 in 图书馆", "Ошибка печати в корпусе Б", "طابعة لا تعمل", "Zoë's VPN ✓",
]
PERIOD_FROM = dt.date(2026, 10, 5)
PERIOD_TO = dt.date(2026, 11, 29)
EDGE = dt.datetime(2026, 10, 5, 4, 0, tzinfo=UTC)  # 2026-10-05 00:00 New York (EDT)


def build(db: Database, *, tickets: int = 900, seed: int = 6) -> None:
    rnd = random.Random(seed)
    now = dt.datetime(2026, 12, 20, tzinfo=UTC)
    with db.writing() as s:
        s.execute(insert(VipPolicy.__table__), [{
            "version": 2, "text": "VIP v2", "urgency_levels_raised": 1,
            "published_at": dt.datetime(2026, 11, 10, 15, tzinfo=UTC)}])
        staff_ids = []
        for i, name in enumerate(["Ana Souza", "Björn <Ek>", "李雷", "O'Neil & Co"]):
            r = s.execute(insert(StaffAccount.__table__).values(
                username=f"tech{i}", display_name=name, active=True, created_at=now, version=1))
            staff_ids.append(r.inserted_primary_key[0])
        service_ids = list(s.execute(select(Service.id)).scalars())
        team_ids = list(s.execute(select(Team.id)).scalars())
        vip_ids = dict(s.execute(select(VipPolicy.version, VipPolicy.id)).all())
        rows = [_ticket(rnd, i, service_ids, team_ids, staff_ids, vip_ids) for i in range(tickets)]
        s.execute(insert(Incident.__table__), rows)


def _ticket(rnd: random.Random, i: int, services: list[int], teams: list[int], staff: list[int],
            vips: dict[int, int]) -> dict[str, object]:
    start = dt.datetime(2026, 8, 20, tzinfo=UTC)
    if i < 3:
        opened = EDGE + dt.timedelta(microseconds=[-1, 0, 1][i])
    else:
        opened = start + dt.timedelta(seconds=rnd.randrange(0, 120 * 86400), microseconds=rnd.randrange(10**6))
    prio = rnd.choice(list(TARGETS))
    rt, st = TARGETS[prio]
    row: dict[str, object] = {
        "number": f"INC-{i + 1:06d}",
        "title": AWKWARD_TITLES[i % len(AWKWARD_TITLES)] if i % 7 == 0 else f"Ticket {i} about printing",
        "description": "", "impact": "medium", "urgency": "medium", "priority": prio,
        "priority_explanation": prio, "channel": rnd.choice([c.value for c in Channel]),
        "service_id": rnd.choice(services) if rnd.random() > 0.05 else None,
        "team_id": rnd.choice(teams) if rnd.random() > 0.08 else None,
        "assignee_id": rnd.choice(staff) if rnd.random() > 0.2 else None,
        "is_major": rnd.random() < 0.01, "version": 1,
        "vip_policy_id": vips[rnd.choice([1, 2])] if rnd.random() < 0.05 else None,
        "opened_at": opened, "updated_at": opened,
        "response_target_s": rt, "resolution_target_s": st,
    }
    wall = rnd.uniform(1.0, 3.0)  # wall-clock seconds per business second (nights, weekends)
    status = IncidentStatus.NEW
    if rnd.random() < 0.85:
        el = int(rt * rnd.uniform(0.05, 1.6))
        row["response_elapsed_s"] = el
        row["responded_at"] = opened + dt.timedelta(seconds=el * wall)
        if el > rt or rnd.random() < 0.03:  # the 3 %: breached, then re-targeted
            row["response_breached_at"] = opened + dt.timedelta(seconds=min(el, rt) * wall)
        status = IncidentStatus.IN_PROGRESS
        if rnd.random() < 0.75:
            el2 = int(st * rnd.uniform(0.1, 1.5))
            el2 = max(el2, el)
            row["resolution_elapsed_s"] = el2
            row["resolved_at"] = opened + dt.timedelta(seconds=el2 * wall)
            if el2 > st or rnd.random() < 0.03:
                row["resolution_breached_at"] = opened + dt.timedelta(seconds=min(el2, st) * wall)
            status = IncidentStatus.RESOLVED
            if rnd.random() < 0.6:
                row["closed_at"] = row["resolved_at"] + dt.timedelta(days=rnd.uniform(1, 9))  # type: ignore[operator]
                status = IncidentStatus.CLOSED
        elif rnd.random() < 0.4:
            row["resolution_breached_at"] = opened + dt.timedelta(seconds=st * wall)
            status = rnd.choice([IncidentStatus.PENDING_PARTS, IncidentStatus.IN_PROGRESS])
    else:
        if rnd.random() < 0.5:
            row["response_breached_at"] = opened + dt.timedelta(seconds=rt * wall)
        status = rnd.choice([IncidentStatus.NEW, IncidentStatus.ASSIGNED, IncidentStatus.CANCELLED])
        if status is IncidentStatus.CANCELLED:
            row["closed_at"] = opened + dt.timedelta(hours=rnd.uniform(1, 48))
    row["status"] = status.value
    return {**dict.fromkeys(OPTIONAL), **row}


# Every row names every column (executemany needs one shape).
OPTIONAL = ("responded_at", "resolved_at", "closed_at", "response_breached_at",
            "resolution_breached_at", "response_elapsed_s", "resolution_elapsed_s")


PRIORITIES = [p.value for p in Priority]
