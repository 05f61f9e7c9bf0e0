"""`desk demo`: a synthetic university to try Desk on, up to a million tickets.

Deterministic for a seed (and a given "now"): the same people, staff, tickets and
histories every time. Everything is written with Core executemany of plain dicts in a
few large transactions (see desk.demodata.bulk); nothing goes through ORM objects one
by one, so a million tickets load on SQLite in minutes.

Only admins load it (``demo.load``), and only into a database that holds nothing but
earlier demo data, unless told to (``force``): see ``real_records`` for how demo
records are told apart from real ones.

Steps, in order (each a function below, so later features can add their own):
departments → people → staff → VIP list → devices and loaners (walk-in counter) →
problems → incidents (with audit history and journal) → search index, numbering,
SLA columns (measured as the tickets are generated).
"""
from __future__ import annotations

import bisect
import datetime as dt
import itertools
import logging
import random
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, func, select, text

from db import audit_chain
from db.engine import WRITE_OPTION, Database
from db.models import (
    AuditEntry,
    Category,
    Department,
    Incident,
    Person,
    Problem,
    Service,
    StaffAccount,
    Team,
    TeamMember,
)
from desk.actor import Actor
from desk.bootstrap import Services
from desk.clock import SettableClock, utc_now
from desk.common import audit, site
from desk.common.lookups import current_vip_policy
from desk.common.numbering import format_number, reserve_block
from desk.demodata import population, texts
from desk.demodata.bulk import Loader, drop_sqlite_fts_trigger, drop_sqlite_indexes, restore_sqlite_fts
from desk.demodata.clockwork import DAY, HOUR, MINUTE, DeskHours
from desk.demodata.names import NamePicker
from desk.demodata.timeline import Priorities, Staffing, TicketWriter, weighted
from desk.demoload import chunks, pg_bulk
from desk.demoload.chunks import CHUNK, Slot
from desk.demoload.writer import ChainWriter
from desk.errors import DeskError, PermissionDenied
from desk.rules import lifecycle
from desk.rules.permissions import require
from desk.rules.priority import VipPolicyRef
from desk.sla import catalogue
from desk.sla.clock import to_epoch

log = logging.getLogger(__name__)
Progress = Callable[[str], None]

TX_CHUNKS = 5           # chunks per SQLite transaction (100 000 incidents)
GENERATOR_WORKERS = 2   # processes generating incidents while this one writes
PARALLEL_FROM = 2 * CHUNK  # fewer tickets than this are generated in this process
BULK_TABLES = ("incidents", "audit_log", "journal_entries")  # PostgreSQL: prepared for COPY
# … and in the setup step: each insert into these ran three trigger functions that ask
# the catalogue who the session is (nothing to do for the schema owner): minutes at 120,000 people.
PEOPLE_TABLES = ("people", "person_statuses", "affiliations")
BIG_LOAD = 20_000       # from this many tickets, SQLite indexes are rebuilt after the load
# Tickets are spread over at least two years. A bigger demo gets a longer history rather
# than a busier one: a million tickets a year is already a large university, so ten
# million are ten years of it (the size a consortium's shared server holds), not two.
MIN_HISTORY_DAYS = 730
MAX_HISTORY_DAYS = 3650
TICKETS_PER_YEAR = 1_000_000


def history_days(tickets: int) -> int:
    """How many days of history ``tickets`` demo incidents are spread over."""
    return max(MIN_HISTORY_DAYS, min(MAX_HISTORY_DAYS, tickets * 365 // TICKETS_PER_YEAR))
DEMO_ID_BASE = 810_000_000  # university IDs of demo people (the feed uses 9001xxxxx)
DEMO_ID_LIKE = "81_______"  # … so every demo ID is nine digits starting 81
DEMO_STAFF_REASON = "demo data"  # audit reason of the demo's staff accounts' "created" rows
SYSTEM_ACCOUNTS = (
    ("desk-system", "Desk (automatic actions)", "technician"),
    ("monitoring-bridge", "Monitoring alerts", "counter"),
    ("mail-intake", "E-mail and self-service intake", "counter"),
)


class RealRecords(DeskError):
    """The database holds records the demo did not make; loading it would mix them."""

    exit_code = 2


def has_incidents(db: Database) -> bool:
    with db.reading() as s:
        return s.execute(select(Incident.id).limit(1)).first() is not None


def real_records(db: Database, operator: Actor | None = None) -> dict[str, int]:
    """What in ``db`` the demo did not make, counted by kind (singular); empty if nothing.

    Demo people have university IDs from ``DEMO_ID_BASE`` (nine digits starting 81; the
    directory feed uses others); the demo's staff accounts are those whose "created"
    audit row carries ``DEMO_STAFF_REASON``; demo incidents and problems were created
    by those accounts (the walk-in repairs too: they are taken in by a demo counter
    account). The person running the demo (``operator``) is not counted: on a new
    database they are its first account, which every database has.
    """
    demo_staff = select(AuditEntry.entity_id).where(
        AuditEntry.entity == "staff", AuditEntry.field == "created", AuditEntry.reason == DEMO_STAFF_REASON)
    with db.reading() as s:
        def count(stmt: Any) -> int:
            return int(s.execute(stmt).scalar_one())

        staff = select(func.count(StaffAccount.id)).where(StaffAccount.id.not_in(demo_staff))
        if operator is not None:
            staff = staff.where(StaffAccount.id != operator.staff_id)
        found = {
            "incident": count(select(func.count(Incident.id)).where(
                Incident.created_by_id.is_(None) | Incident.created_by_id.not_in(demo_staff))),
            "problem": count(select(func.count(Problem.id)).where(
                Problem.created_by_id.is_(None) | Problem.created_by_id.not_in(demo_staff))),
            "person": count(select(func.count(Person.id)).where(Person.university_id.not_like(DEMO_ID_LIKE))),
            "staff account": count(staff),
        }
    return {kind: n for kind, n in found.items() if n}


_PLURAL = {"incident": "incidents", "problem": "problems", "person": "people", "staff account": "staff accounts"}


@dataclass
class DemoContext:
    """What the steps share: ids of reference rows, the random stream, the clock."""

    rng: random.Random
    now: dt.datetime
    tickets: int
    progress: Progress
    seed: int = 0
    services: dict[str, tuple[int, int | None]] = field(default_factory=dict)  # name -> (id, team)
    teams: dict[str, int] = field(default_factory=dict)
    categories: dict[str, int] = field(default_factory=dict)
    departments: dict[str, int] = field(default_factory=dict)
    callers: list[population.Caller] = field(default_factory=list)
    staffing: Staffing | None = None
    problems: list[dict[str, Any]] = field(default_factory=list)
    policy: VipPolicyRef | None = None
    # The desk's hours on its own calendar's clock (the seeded reference data names the zone).
    hours: DeskHours | None = None
    audit_rows: int = 0
    journal_rows: int = 0

    @property
    def now_s(self) -> int:
        return int(self.now.timestamp())

    @property
    def history_days(self) -> int:
        return history_days(self.tickets)

    @property
    def desk_hours(self) -> DeskHours:
        assert self.hours is not None, "build_demo reads the desk's zone before it writes tickets"
        return self.hours


def build_demo(db: Database, *, tickets: int, seed: int, progress: Progress,
               now: dt.datetime | None = None, actor: Actor | None = None, force: bool = False,
               sla_now: dt.datetime | None = None) -> None:
    """Fill ``db`` with a synthetic university and ``tickets`` incidents.

    ``actor`` runs the demo (default: whoever is at this workstation, who becomes the
    first admin of a new database); it needs the admin role. A database holding real
    records (``real_records``) is refused unless ``force``. The generated tickets' SLA
    columns are measured as of ``sla_now`` (default: the wall clock, as a recompute would).
    """
    started = time.monotonic()
    now = (now or utc_now()).replace(microsecond=0)
    ctx = DemoContext(random.Random(seed), now, tickets, progress, seed=seed)
    operator = actor if actor is not None else _operator_account(db)
    require(operator, "demo.load")
    with db.reading() as s:
        if audit.server_writes_audit(s):
            raise PermissionDenied(
                "desk demo writes years of history in bulk (the audit log, number counters, past "
                "times), which only the schema owner may do on a shared server: run it with the login "
                "that ran desk db upgrade.")
    found = real_records(db, operator)
    if found and not force:
        raise RealRecords(
            f"This database already holds real records "
            f"({', '.join(f'{n:,} {k if n == 1 else _PLURAL[k]}' for k, n in found.items())} "
            "not made by the demo); the demo would mix synthetic people and tickets into them. "
            "Load it into an empty database, or add --force to load it anyway.")
    first_load = not has_incidents(db)
    with db.reading() as s:
        ctx.policy = current_vip_policy(s, now)
        ctx.hours = DeskHours(site.read(s, now).zone)
    writer = db.engine.execution_options(**{WRITE_OPTION: True})
    with writer.begin() as conn, _bulk_ready(conn, PEOPLE_TABLES):
        _tune(conn)
        _load_reference(conn, ctx)
        loader = Loader(conn)
        add_departments(loader, ctx)
        add_people(loader, ctx)
        add_staff(loader, ctx)
        add_vips(loader, ctx)
        add_devices_and_loaners(loader, ctx)
        add_problems(loader, ctx)
    with db.reading() as s:
        cat = catalogue.load(s)
    add_incidents(db, writer, ctx, cat, to_epoch(sla_now or utc_now()))
    if first_load:
        give_operator_work(db, ctx, operator)
    # The stored SLA columns of the generated tickets were measured by the generator
    # (desk.demoload.sla_fill), with the engine's own functions; no backfill pass.
    from desk.counter.demo import add_repairs

    # Walk-in repairs through the counter's own services, on their own random stream,
    # taken in by a demo counter account (so they count as demo records).
    clock = SettableClock(now)
    services = Services.over(db, clock)
    counter_account = _demo_counter(services, ctx)
    if counter_account is not None:
        add_repairs(db, services.counter, clock, counter_account, rng=random.Random(seed + 5), progress=progress)
    # Fresh statistics on both engines: without them PostgreSQL plans the queue and
    # problem lists as if the tables were empty (autovacuum may be off or late).
    with writer.begin() as conn:
        progress("statistics: ANALYZE")
        conn.exec_driver_sql("ANALYZE")
    progress(f"demo ready: {tickets:,} incidents, {ctx.audit_rows:,} audit rows, "
             f"{ctx.journal_rows:,} journal entries in {time.monotonic() - started:.0f} s")


def _bulk_ready(conn: Connection, tables: tuple[str, ...]) -> AbstractContextManager[None]:
    """PostgreSQL: ``tables`` prepared for COPY within this transaction (desk.demoload.pg_bulk)."""
    if conn.dialect.name == "postgresql":
        return pg_bulk.prepared_for_bulk(conn, tables)
    return nullcontext()


def _operator_account(db: Database) -> Actor:
    """Who is running the demo. On a brand-new database they become the first admin, as
    on first start (otherwise the demo's staff would take that place and lock them out);
    on any other database they need a staff account (NoStaffAccount)."""
    return Services.over(db).staff.resolve_actor()


def _demo_counter(services: Services, ctx: DemoContext) -> Actor | None:
    assert ctx.staffing is not None
    counters = set(ctx.staffing.counter_ids)
    return next((a for a in services.staff.list() if a.staff_id in counters), None)


def give_operator_work(db: Database, ctx: DemoContext, operator: Actor, count: int = 6) -> None:
    """Hand a few of the newest open tickets to the person trying Desk, through the
    incident service, so "My open work" is not empty on first start."""
    with db.reading() as s:
        numbers = s.execute(
            select(Incident.number).where(Incident.status.in_(lifecycle.values(lifecycle.WORKING)),
                                          Incident.is_major.is_(False))
            .order_by(Incident.opened_at.desc()).limit(count)).scalars().all()
    service = Services.over(db, lambda: ctx.now).incidents
    for number in numbers:
        service.assign(operator, number, assignee=operator.username)
    if numbers:
        ctx.progress(f"{operator.username}: {len(numbers)} open tickets assigned to you")


def _tune(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        # A big page cache for the load; harmless for the pooled connection afterwards.
        conn.exec_driver_sql("PRAGMA cache_size = -262144")


def _load_reference(conn: Connection, ctx: DemoContext) -> None:
    # In id order: the generator draws from lists built from these dicts, and a table's
    # unordered scan order differs between engines (and after updates).
    ctx.teams = {n: i for i, n in conn.execute(select(Team.id, Team.name).order_by(Team.id))}
    ctx.services = {n: (i, t) for i, n, t in conn.execute(select(Service.id, Service.name,
                                                                 Service.default_team_id).order_by(Service.id))}
    ctx.categories = {n: i for i, n in conn.execute(select(Category.id, Category.name).order_by(Category.id))}
    ctx.departments = {n: i for i, n in conn.execute(select(Department.id, Department.name)
                                                     .order_by(Department.id))}
    if not ctx.teams or not ctx.services:
        raise RuntimeError("The database has no service catalogue; run `desk db upgrade` first.")


# -- reference-ish data -------------------------------------------------------------
def add_departments(loader: Loader, ctx: DemoContext) -> None:
    rows = []
    missing = [(n, p) for n, p in population.DEPARTMENTS if n not in ctx.departments]
    first = loader.reserve_ids("departments", len(missing))
    for i, (name, _) in enumerate(missing):
        ctx.departments[name] = first + i
    for i, (name, parent) in enumerate(missing):
        rows.append({"id": first + i, "name": name,
                     "parent_id": ctx.departments.get(parent) if parent else None})
    # Parents first: a parent added in this step must exist before its children.
    rows.sort(key=lambda r: r["parent_id"] is not None)
    loader.insert("departments", rows)


def add_people(loader: Loader, ctx: DemoContext) -> None:
    count = max(150, min(120_000, ctx.tickets // 6))
    existing = loader.conn.execute(text(
        "SELECT count(*) FROM people WHERE university_id LIKE '81%'")).scalar_one()
    first_id = loader.reserve_ids("people", count)
    pop = population.generate(ctx.rng, count, first_id, DEMO_ID_BASE + int(existing),
                              ctx.now.date(), sorted(ctx.departments.values()),
                              loader.ts(ctx.now_s - ctx.history_days * DAY))
    for st in pop.statuses:
        st["start_date"] = loader.day(st["start_date"])
        st["end_date"] = loader.day(st["end_date"])
    for af in pop.affiliations:
        af["start_date"] = loader.day(af["start_date"])
    loader.insert("people", pop.people)
    loader.insert("person_statuses", pop.statuses)
    loader.insert("affiliations", pop.affiliations)
    ctx.callers = pop.callers
    ctx.progress(f"people: {count:,} ({len(pop.statuses):,} statuses, "
                 f"{len(pop.affiliations):,} department affiliations)")


def _staff_row(loader: Loader, ctx: DemoContext, sid: int, username: str, display: str) -> dict[str, Any]:
    return {"id": sid, "username": username, "db_login": None, "os_user": None, "display_name": display,
            "email": f"{username}@example.edu", "person_id": None, "active": True,
            "created_at": loader.ts(ctx.now_s - ctx.history_days * DAY - 30 * DAY), "version": 1}


def add_staff(loader: Loader, ctx: DemoContext) -> None:
    """Counter staff, technicians per team, supervisors; and three system accounts."""
    conn = loader.conn
    existing = {u: i for i, u in conn.execute(select(StaffAccount.id, StaffAccount.username))}
    names = NamePicker(ctx.rng)
    scale = ctx.tickets // 40_000
    plan: list[tuple[str, str, str, list[str]]] = []  # username, display, role, teams
    for username, display, role in SYSTEM_ACCOUNTS:
        plan.append((username, display, role, []))
    used = set(existing)

    def person_name(role: str, teams: list[str]) -> None:
        n = names.name()
        base = n.email_local.replace(".", "")[:12] or "staff"
        username, k = base, 1
        while username in used:
            k += 1
            username = f"{base}{k}"
        used.add(username)
        plan.append((username, f"{n.preferred or n.given} {n.family}", role, teams))

    for _ in range(max(4, min(15, 4 + scale))):
        person_name("counter", ["Service Desk"])
    work_teams = [t for t in ctx.teams if t != "Major Incident Team"]
    for team in work_teams:
        for _ in range(max(3, min(12, 3 + scale))):
            person_name("technician", [team])
    for i in range(max(3, min(8, 3 + scale // 3))):
        person_name("supervisor", ["Major Incident Team", work_teams[i % len(work_teams)]])

    new = [p for p in plan if p[0] not in existing]
    first = loader.reserve_ids("staff_accounts", len(new))
    ids: dict[str, int] = dict(existing)
    rows, roles, members, audits = [], [], [], []
    members_now = {(t, m) for t, m in conn.execute(select(TeamMember.team_id, TeamMember.staff_id))}
    for i, (username, display, role, _) in enumerate(new):
        sid = first + i
        ids[username] = sid
        rows.append(_staff_row(loader, ctx, sid, username, display))
        roles.append({"staff_id": sid, "role": role})
        audits.append(_audit(loader, ctx.now_s - ctx.history_days * DAY - 30 * DAY, None, "staff", sid,
                             "created", None, username, DEMO_STAFF_REASON))
    display_by_id: dict[int, str] = {}
    by_team: dict[int, list[int]] = {}
    counters, supervisors = [], []
    for username, display, role, teams in plan:
        sid = ids[username]
        display_by_id[sid] = display
        for team in teams:
            tid = ctx.teams[team]
            if (tid, sid) not in members_now:
                members.append({"team_id": tid, "staff_id": sid})
                members_now.add((tid, sid))
            if role == "technician":
                by_team.setdefault(tid, []).append(sid)
        if role == "counter" and teams:
            counters.append(sid)
        if role == "supervisor":
            supervisors.append(sid)
    loader.insert("staff_accounts", rows)
    loader.insert("staff_roles", roles)
    loader.insert("team_members", members)
    loader.insert("audit_log", audits)
    ctx.staffing = Staffing(
        system_id=ids["desk-system"], monitoring_id=ids["monitoring-bridge"], mail_id=ids["mail-intake"],
        counter_ids=counters, techs_by_team=by_team, supervisor_ids=supervisors,
        display_names=display_by_id,
    )
    ctx.progress(f"staff: {len(plan)} accounts ({len(counters)} counter, "
                 f"{sum(len(v) for v in by_team.values())} technicians, {len(supervisors)} supervisors)")


def add_vips(loader: Loader, ctx: DemoContext) -> None:
    """A handful of officers on the published VIP list (policy v1 from the seed data)."""
    assert ctx.staffing is not None
    policy = ctx.policy
    if policy is None:
        ctx.progress("VIP list: no VIP policy published; skipped")
        return
    candidates = [c for c in ctx.callers
                  if any(k in ("faculty", "staff") and e is None for k, _, e in c.statuses)]
    chosen = ctx.rng.sample(candidates, min(len(population.VIP_OFFICES), len(candidates)))
    granted = min(int(policy.published_at.timestamp()) + DAY, ctx.now_s - DAY)
    supervisor = ctx.staffing.supervisor_ids[0]
    rows, audits = [], []
    year = ctx.now.year
    for office, caller in zip(population.VIP_OFFICES, chosen, strict=False):
        reason = f"{office} (published VIP list {year})"
        rows.append({"person_id": caller.id, "office": office, "granted_at": loader.ts(granted),
                     "granted_by_id": supervisor, "grant_reason": reason, "revoked_at": None,
                     "revoked_by_id": None, "revoke_reason": None})
        audits.append(_audit(loader, granted, supervisor, "person", caller.id, "vip", "false", "true",
                             reason))
        caller.vip_from = granted
    loader.insert("vip_grants", rows)
    loader.insert("audit_log", audits)
    ctx.progress(f"VIP list: {len(rows)} officers under VIP policy v{policy.version}")


def add_devices_and_loaners(loader: Loader, ctx: DemoContext) -> None:
    """Extension point for the walk-in counter: devices, repair history, loaner pool.

    The device and loaner tables arrive with the walk-in counter feature; its demo
    rows belong here (same Loader, same context, same random stream position rules:
    draw from ``ctx.rng`` only after the steps above so earlier data stays unchanged).
    Repairs need incidents, so they are added after the incidents (``add_repairs``).
    """
    from desk.counter.demo import loaner_rows

    # A second demo run on the same database adds tickets, not a second loaner pool.
    existing = set(loader.conn.execute(text("SELECT asset_tag FROM loaners")).scalars())
    rows = [r for r in loaner_rows(loader, ctx.now_s) if r["asset_tag"] not in existing]
    if rows:
        loader.insert("loaners", rows)


# -- problems ----------------------------------------------------------------------
def add_problems(loader: Loader, ctx: DemoContext) -> None:
    assert ctx.staffing is not None
    count = 0 if ctx.tickets < 50 else min(3_000, max(5, ctx.tickets // 400))
    if count == 0:
        return
    rng = ctx.rng
    # The loader's connection holds the transaction.
    first_number = reserve_block(loader.conn, "PRB", count)
    first_id = loader.reserve_ids("problems", count)
    now = ctx.now_s
    rows, audits, notes = [], [], []
    svc_weights = tuple((sv, sv.weight) for sv in texts.SERVICES if sv.service in ctx.services)
    for i in range(count):
        svc = weighted(rng, svc_weights)
        service_id, team_id = ctx.services[svc.service]
        # A quarter are recent, so even a small demo has problems under investigation and
        # known errors with workarounds to offer on new incidents.
        recent = i < max(2, count // 4)
        opened = now - rng.randint(2 * DAY, (60 if recent else MIN_HISTORY_DAYS - 40) * DAY)
        pid = first_id + i
        if svc.problems:
            title_t, cause, workaround = rng.choice(svc.problems)
        else:
            title_t, cause, workaround = (f"Recurring {svc.service} failures in {{building}}",
                                          "Under investigation", "Restart the affected component")
        title = texts.fill(title_t, rng)
        age = (now - opened) / DAY
        path = ["new", "investigating", "known_error", "resolved", "closed"]
        if age > 90:
            stop = weighted(rng, (("closed", 60), ("resolved", 25), ("known_error", 15)))
        elif age > 30:
            stop = weighted(rng, (("known_error", 40), ("investigating", 30), ("resolved", 30)))
        else:
            stop = weighted(rng, (("new", 30), ("investigating", 50), ("known_error", 20)))
        steps = path[: path.index(stop) + 1]
        tech = rng.choice(ctx.staffing.techs_by_team.get(team_id or 0) or ctx.staffing.supervisor_ids)
        t = opened
        audits.append(_audit(loader, t, tech, "problem", pid, "created", None, format_number("PRB", first_number + i)))
        resolved = closed = None
        gap = max(HOUR, int((now - opened) / (len(steps) + 1)))
        for old, new in itertools.pairwise(steps):
            t += rng.randint(gap // 2, gap)
            audits.append(_audit(loader, t, tech, "problem", pid, "status", old, new))
            if new == "investigating":
                notes.append({"incident_id": None, "problem_id": pid, "kind": "internal",
                              "body": "Collected logs from the affected incidents.", "author_id": tech,
                              "at": loader.ts(t)})
            if new == "resolved":
                resolved = t
            if new == "closed":
                closed = t
        known = stop in ("known_error", "resolved", "closed")
        rows.append({
            "id": pid, "number": format_number("PRB", first_number + i), "title": title,
            "description": f"Several {svc.service} incidents share a pattern: {title.lower()}.",
            "status": stop, "service_id": service_id, "category_id": None,
            "root_cause": cause if known else None, "workaround": workaround if known else None,
            "team_id": team_id, "assignee_id": tech, "major_incident_id": None,
            "opened_at": loader.ts(opened), "updated_at": loader.ts(t), "resolved_at": loader.ts(resolved),
            "closed_at": loader.ts(closed), "created_by_id": tech, "version": len(steps),
        })
        ctx.problems.append({"id": pid, "service": svc.service, "opened": opened})
    loader.insert("problems", rows)
    loader.insert("audit_log", audits)
    loader.insert("journal_entries", notes)
    ctx.progress(f"problems: {count:,}")


# -- incidents ---------------------------------------------------------------------
def _opening_times(ctx: DemoContext, count: int) -> list[int]:
    """Opening times over the history: weekdays, term time and a slow growth weigh in."""
    rng, hours = ctx.rng, ctx.desk_hours
    now = ctx.now_s
    days = ctx.history_days
    start_day = now // DAY - days + 1
    cum: list[float] = []
    total = 0.0
    for d in range(days):
        day = start_day + d
        date = dt.date(1970, 1, 1) + dt.timedelta(days=day)
        weekday = (day + 3) % 7
        w = 1.0 if weekday < 5 else 0.25
        w *= {8: 1.6, 9: 1.4, 1: 1.3, 12: 0.6, 6: 0.7, 7: 0.7}.get(date.month, 1.0)
        w *= 0.8 + 0.4 * d / days
        total += w
        cum.append(total)
    out = []
    # However small the demo, the last fortnight holds enough tickets for a living queue.
    recent = min(count, max(25, count // 100)) if count >= 50 else 0
    recent_first = (now - 14 * DAY) // DAY
    for i in range(count):
        if i < recent:
            day = recent_first + rng.randint(0, 14)
        else:
            day = start_day + bisect.bisect_left(cum, rng.random() * total)
        if rng.random() < 0.8:
            sec = rng.randint(8 * HOUR, 18 * HOUR - 1)
        else:
            sec = rng.randint(0, DAY - 1)
        t = day * DAY + sec - hours.offset(day * DAY + 12 * HOUR)
        out.append(min(t, now - rng.randint(MINUTE, HOUR)))
    return out


def _plan_slots(ctx: DemoContext) -> tuple[list[Slot], int]:
    rng, n = ctx.rng, ctx.tickets
    majors = 0 if n < 50 else min(25, max(2, n // 20_000))
    slots: list[Slot] = []
    children_total = 0
    major_times = _opening_times(ctx, majors)
    for m, t in enumerate(major_times):
        t = min(t, ctx.now_s - 6 * HOUR) if m % 2 == 0 else t
        slots.append(Slot(t, "major", m))
        k = min(rng.randint(5, 25), max(0, (n - majors - children_total) // (majors * 4 or 1)))
        for _ in range(k):
            slots.append(Slot(min(t + rng.randint(5 * MINUTE, 2 * HOUR), ctx.now_s - MINUTE), "child", m))
        children_total += k
    plain = n - len(slots)
    slots.extend(Slot(t) for t in _opening_times(ctx, plain))
    slots.sort(key=lambda s: s.at)
    times = [s.at for s in slots]
    # Problems collect a few earlier incidents of their service.
    for prb in ctx.problems:
        lo = bisect.bisect_left(times, prb["opened"] - 30 * DAY)
        hi = bisect.bisect_right(times, prb["opened"])
        if hi - lo < 2:
            continue
        for idx in rng.sample(range(lo, hi), min(rng.randint(2, 12), hi - lo)):
            if slots[idx].kind == "plain" and slots[idx].problem is None:
                slots[idx].service = prb["service"]
                slots[idx].problem = (prb["id"], prb["opened"])
    return slots, majors


def add_incidents(db: Database, writer: Engine, ctx: DemoContext, cat: catalogue.Catalogue,
                  sla_as_of: int) -> None:
    """Generate the incidents in worker processes (``desk.demoload.chunks``) and write
    them here (``desk.demoload.writer``): PostgreSQL in one transaction with ``COPY`` and
    the tables prepared for a bulk load (``desk.demoload.pg_bulk``), SQLite in
    transactions of ``TX_CHUNKS`` chunks with its indexes rebuilt afterwards."""
    assert ctx.staffing is not None
    total = ctx.tickets
    if total == 0:
        return
    slots, _ = _plan_slots(ctx)
    with db.writing() as s:
        # Reserved up front, in its own transaction: numbers are never reused even if the
        # load stops half-way, and the sequence ends at the highest number used.
        first_number = reserve_block(s, "INC", total)
    with writer.begin() as conn:
        first_id = Loader(conn).reserve_ids("incidents", total)
    state = chunks.GenState(
        seed=ctx.seed, tickets=TicketWriter(ctx.rng, ctx.desk_hours, ctx.staffing, Priorities(ctx.policy),
                                            ctx.now_s),
        services=ctx.services, teams=ctx.teams, categories=ctx.categories, callers=ctx.callers, cat=cat,
        sla_as_of=sla_as_of, sqlite=db.dialect == "sqlite")
    # Children name their major incident's resolution, so the majors (a few dozen, each
    # on its own random stream) are resolved before any chunk starts.
    majors: dict[int, chunks.MajorInfo] = {}
    for index, slot in enumerate(slots):
        if slot.kind == "major":
            _, majors[slot.major] = chunks.major_ticket(
                state, slot.major, slot.at, first_id + index, format_number("INC", first_number + index))
    # Each job's slots are cut out only when it is sent: ten million slot tuples made up
    # front would sit in the writer's memory (and in each forked worker's) for the run.
    jobs = chunks.Jobs(slots, first_id, first_number, majors, CHUNK)
    del slots
    workers = GENERATOR_WORKERS if total >= PARALLEL_FROM else 1
    if db.dialect == "postgresql":
        _write_postgresql(db, writer, ctx, jobs, state, workers)
    else:
        _write_sqlite(db, writer, ctx, jobs, state, workers, first_id)
    _link_problems_to_majors(writer, ctx, majors)


def _progress(ctx: DemoContext, done: int, started: float) -> None:
    rate = done / max(time.monotonic() - started, 1e-6)
    ctx.progress(f"incidents: {done:,}/{ctx.tickets:,} ({rate:,.0f}/s)")


def _write_postgresql(db: Database, writer: Engine, ctx: DemoContext, jobs: chunks.Jobs,
                      state: chunks.GenState, workers: int) -> None:
    db.engine.dispose()  # no pooled connection may cross the fork of the generators
    results = chunks.run(state, jobs, workers)
    started = time.monotonic()
    done = 0
    with writer.begin() as conn:
        conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
        with pg_bulk.prepared_for_bulk(conn, BULK_TABLES, ctx.progress):
            # The sealers' lock for the whole load: live writers queue behind it, so the
            # head read here stays the head (db.audit_chain.bulk_links does the same).
            conn.exec_driver_sql(f"LOCK TABLE {audit_chain.SEAL_LOCK_TABLE} IN EXCLUSIVE MODE")
            out = ChainWriter(conn, *audit_chain.head(conn))
            for rows in results:
                out.write(rows)
                done += rows.tickets
                _progress(ctx, done, started)
        audit_chain.forget_head(conn.info)
    ctx.audit_rows += out.audit_rows
    ctx.journal_rows += out.journal_rows


def _write_sqlite(db: Database, writer: Engine, ctx: DemoContext, jobs: chunks.Jobs,
                  state: chunks.GenState, workers: int, first_id: int) -> None:
    with writer.begin() as conn:
        trigger_sql = drop_sqlite_fts_trigger(conn)
        index_sql = drop_sqlite_indexes(conn, "incidents") if ctx.tickets >= BIG_LOAD else []
    db.engine.dispose()  # no pooled connection may cross the fork of the generators
    results = chunks.run(state, jobs, workers)
    started = time.monotonic()
    done = 0
    expected_next = first_id
    try:
        for _ in range(0, len(jobs), TX_CHUNKS):
            with writer.begin() as conn:
                _tune(conn)
                highest = conn.execute(text("SELECT coalesce(max(id), 0) FROM incidents")).scalar_one()
                if int(highest) >= expected_next:
                    raise RuntimeError("incidents: ids taken concurrently; run the demo again when idle")
                out = ChainWriter(conn, *audit_chain.head(conn))
                for rows in itertools.islice(results, TX_CHUNKS):
                    out.write(rows)
                    done += rows.tickets
                    expected_next += rows.tickets
                    _progress(ctx, done, started)
                audit_chain.forget_head(conn.info)
                ctx.audit_rows += out.audit_rows
                ctx.journal_rows += out.journal_rows
    finally:
        with writer.begin() as conn:
            if index_sql:
                ctx.progress(f"indexes: rebuilding {len(index_sql)} incident indexes")
                for statement in index_sql:
                    conn.exec_driver_sql(statement)
            if done:
                ctx.progress("search index: rebuilding for the new incidents")
                restore_sqlite_fts(conn, trigger_sql, first_id)
            elif trigger_sql is not None:
                conn.exec_driver_sql(trigger_sql)

def _link_problems_to_majors(writer: Engine, ctx: DemoContext,
                             majors: dict[int, tuple[int, int, str, str, str]]) -> None:
    """Some major incidents got a problem opened from their post-incident review."""
    if not majors or not ctx.problems:
        return
    with writer.begin() as conn:
        for m, (major_id, *_rest, service) in sorted(majors.items()):
            candidates = [p for p in ctx.problems if p["service"] == service]
            if candidates and m % 2 == 0:
                conn.execute(text("UPDATE problems SET major_incident_id = :m WHERE id = :p"),
                             {"m": major_id, "p": ctx.rng.choice(candidates)["id"]})


def _audit(loader: Loader, at: int, actor: int | None, entity: str, entity_id: int, fld: str,
           old: str | None, new: str | None, reason: str | None = None) -> dict[str, Any]:
    return {"at": loader.ts(at), "actor_id": actor, "db_user": None, "entity": entity,
            "entity_id": entity_id, "field": fld, "old_value": old, "new_value": new, "reason": reason}
