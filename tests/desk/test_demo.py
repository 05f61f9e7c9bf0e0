"""`desk demo`: a realistic, deterministic synthetic university on both engines."""
from __future__ import annotations

import datetime as dt
import itertools
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from sqlalchemy import Column, MetaData, Table, func, select, text

from db import audit_chain
from db.engine import Database
from db.enums import Impact, Urgency
from db.models import (
    AuditEntry,
    Incident,
    JournalEntry,
    NumberSequence,
    Person,
    PersonStatus,
    Problem,
    VipGrant,
)
from db.types import UTCDateTime
from desk import demo
from desk.actor import Actor
from desk.bootstrap import Services
from desk.common.lookups import vip_policy_for
from desk.errors import PermissionDenied
from desk.incidents.read import list_incidents
from desk.incidents.service import NewIncident
from desk.rules.choices import RESOLUTION_CODES
from desk.rules.lifecycle import OPEN_STATUSES
from desk.rules.priority import derive_priority
from tests import dbtools
from tests.conftest import FakeClock

NOW = dt.datetime(2026, 11, 2, 16, 30, tzinfo=dt.UTC)
TICKETS = 400
SCRIPTS = ("LATIN", "CYRILLIC", "GREEK", "ARABIC", "HEBREW", "CJK", "HANGUL", "DEVANAGARI", "HIRAGANA")


def _build(db: Database, tickets: int = TICKETS, seed: int = 7) -> list[str]:
    messages: list[str] = []
    demo.build_demo(db, tickets=tickets, seed=seed, progress=messages.append, now=NOW)
    return messages


@pytest.fixture
def built(database: Database) -> Database:
    _build(database)
    return database


def _counts_sequences_and_history(built: Database) -> None:
    with built.reading() as s:
        # The walk-in counter adds its repairs through its own services after the bulk load.
        total = s.execute(select(func.count(Incident.id))).scalar_one()
        assert total >= TICKETS
        assert s.get_one(NumberSequence, "INC").last_value == total
        numbers = s.execute(select(Incident.number).order_by(Incident.id)).scalars().all()
        assert numbers[0] == "INC-000001" and numbers[-1] == f"INC-{total:06d}"
        problems = s.execute(select(Problem.number)).scalars().all()
        assert problems and s.get_one(NumberSequence, "PRB").last_value == len(problems)
        assert s.execute(select(func.count(Incident.id)).where(Incident.is_major)).scalar_one() >= 1
        assert s.execute(select(func.count(Incident.id)).where(Incident.parent_id.is_not(None))).scalar_one() >= 5
        assert s.execute(select(func.count(Incident.id)).where(Incident.problem_id.is_not(None))).scalar_one() >= 2
        kinds = Counter(s.execute(select(JournalEntry.kind)).scalars())
        assert kinds["public"] > 0 and kinds["internal"] > 0 and kinds["comms"] > 0
        # Every incident has its 'created' row, and its audit history replays to its state.
        audits: dict[int, list[AuditEntry]] = defaultdict(list)
        for a in s.execute(select(AuditEntry).where(AuditEntry.entity == "incident")
                           .order_by(AuditEntry.id)).scalars():
            audits[a.entity_id].append(a)
        incidents = s.execute(select(Incident)).scalars().all()
        for inc in incidents:
            rows = audits[inc.id]
            assert rows[0].field == "created" and rows[0].new_value == inc.number
            assert [r.at for r in rows] == sorted(r.at for r in rows), inc.number
            assert all(r.at <= NOW for r in rows)
            statuses = [r for r in rows if r.field == "status"]
            assert statuses[0].old_value is None and statuses[0].new_value == "new"
            assert all(a.new_value == b.old_value for a, b in itertools.pairwise(statuses)), inc.number
            assert statuses[-1].new_value == inc.status.value
            priorities = [r for r in rows if r.field == "priority"]
            assert priorities[-1].new_value == inc.priority.value
            assignees = [r for r in rows if r.field == "assignee_id"]
            assert (int(assignees[-1].new_value) if assignees else None) == inc.assignee_id
            teams = [r for r in rows if r.field == "team_id"]
            if teams:
                assert int(teams[-1].new_value) == inc.team_id, inc.number
            assert inc.opened_at <= inc.updated_at <= NOW
            if inc.status.value in ("resolved", "closed"):
                assert inc.resolution_code in RESOLUTION_CODES and inc.resolution_note
                assert inc.resolved_at is not None
            if inc.status.value == "cancelled":
                assert inc.cancel_reason


def _status_mix_is_realistic(built: Database) -> None:
    with built.reading() as s:
        rows = s.execute(select(Incident.status, Incident.opened_at)).all()
    old = Counter(st.value for st, opened in rows if opened < NOW - dt.timedelta(days=60))
    recent = Counter(st.value for st, opened in rows if opened >= NOW - dt.timedelta(days=3))
    assert old["closed"] / sum(old.values()) > 0.85
    assert not (set(old) & {"new", "assigned"})
    open_recent = sum(n for st, n in recent.items() if st in {s.value for s in OPEN_STATUSES})
    assert open_recent >= 5 and recent["new"] + recent["assigned"] + recent["in_progress"] >= 3


def _priorities_follow_the_matrix_and_vip_policy(built: Database) -> None:
    with built.reading() as s:
        for inc in s.execute(select(Incident)).scalars():
            policy = vip_policy_for(s, inc.caller_id, inc.opened_at)
            expected = derive_priority(Impact(inc.impact), Urgency(inc.urgency), policy)
            assert (inc.priority, inc.priority_explanation) == (expected.priority, expected.explanation), inc.number
            assert inc.vip_policy_id == (expected.vip_policy.id if expected.vip_policy else None)
        assert s.execute(select(func.count(VipGrant.id))).scalar_one() >= 5


def _people_statuses_and_scripts(built: Database) -> None:
    with built.reading() as s:
        names = s.execute(select(Person.given_name, Person.family_name)).all()
        ended = s.execute(select(func.count(PersonStatus.id)).where(PersonStatus.end_date.is_not(None))).scalar_one()
        multi = s.execute(select(func.count()).select_from(
            select(PersonStatus.person_id).group_by(PersonStatus.person_id)
            .having(func.count(PersonStatus.id) > 1).subquery())).scalar_one()
        kinds = set(s.execute(select(PersonStatus.kind)).scalars())
    scripts = set()
    for given, family in names:
        for ch in given + family:
            if ch.isalpha():
                scripts.add(unicodedata.name(ch, "?").split()[0])
    assert len(scripts & set(SCRIPTS)) >= 6, scripts
    assert ended > 0 and multi > 0 and len(kinds) >= 5


def _new_ticket_after_demo_continues_the_numbering(built: Database) -> None:
    services = Services.over(built, FakeClock(NOW))
    actor = services.staff.list()[0]  # any staff account may open tickets
    assert actor.roles
    with built.reading() as s:
        highest = s.execute(select(func.max(Incident.number))).scalar_one()
    v = services.incidents.open(actor, NewIncident(title="After the demo", service="Printing"))
    assert v.number == f"INC-{int(highest[4:]) + 1:06d}"
    assert demo.has_incidents(built)


def test_demo_content(built: Database) -> None:
    """One build per engine, several checks (building is the expensive part)."""
    _counts_sequences_and_history(built)
    _status_mix_is_realistic(built)
    _priorities_follow_the_matrix_and_vip_policy(built)
    _people_statuses_and_scripts(built)
    _new_ticket_after_demo_continues_the_numbering(built)
    _search_index_and_triggers_are_restored(built)
    _audit_chain_is_intact(built)


def _audit_chain_is_intact(built: Database) -> None:
    """The bulk loader chains the history it writes; later service writes continue it."""
    with built.reading() as s:
        entries = s.execute(select(func.count()).select_from(text("audit_log"))).scalar_one()
        verdict = audit_chain.verify(s.connection())
    assert verdict.ok, verdict.problem
    assert verdict.entries == entries > 1000


def _search_index_and_triggers_are_restored(built: Database) -> None:
    with built.reading() as s:
        title = s.execute(select(Incident.title).where(Incident.title.like("%eduroam%")).limit(1)).scalar()
        assert title is not None
        found = list_incidents(s, search="eduroam", limit=500)
        assert found and all("eduroam" in (v.title + v.description).lower() for v in found[:20])
        if built.dialect == "sqlite":
            indexed = s.execute(text("SELECT count(*) FROM incident_search")).scalar_one()
            assert indexed == s.execute(select(func.count(Incident.id))).scalar_one()
            trigger = s.execute(text("SELECT sql FROM sqlite_master WHERE name = 'incident_search_ai'")).scalar()
            assert trigger and "INSERT INTO incident_search" in trigger
    # A ticket typed after the demo is indexed by the restored trigger.
    services = Services.over(built, FakeClock(NOW))
    actor = services.staff.list()[0]
    services.incidents.open(actor, NewIncident(title="Zyxwvut projector smoke"))
    with built.reading() as s:
        assert [v.title for v in list_incidents(s, search="zyxwvut")] == ["Zyxwvut projector smoke"]


def test_deterministic_for_a_seed(sqlite_url: str, db_templates: dbtools.Templates, tmp_path: Path) -> None:
    other = db_templates.sqlite_copy(tmp_path / "other.sqlite3")
    snapshots = []
    for url in (sqlite_url, other):
        db = Database.connect(url)
        try:
            _build(db, tickets=150, seed=11)
            with db.reading() as s:
                snapshots.append(s.execute(select(
                    Incident.number, Incident.title, Incident.status, Incident.priority, Incident.opened_at,
                    Person.university_id, Person.given_name).join(Person, Person.id == Incident.caller_id,
                                                                    isouter=True).order_by(Incident.id)).all())
        finally:
            db.dispose()
    assert snapshots[0] == snapshots[1]


def test_sqlite_timestamps_match_the_column_type(sqlite_url: str, few_demo_repairs: None) -> None:
    """The loader writes text itself; it must be exactly what UTCDateTime would write."""
    db = Database.connect(sqlite_url)
    try:
        _build(db, tickets=60)
        with db.engine.connect() as conn:
            raw, = conn.execute(text("SELECT opened_at FROM incidents ORDER BY id LIMIT 1")).one()
        with db.reading() as s:
            opened = s.execute(select(Incident.opened_at).order_by(Incident.id).limit(1)).scalar_one()
        assert opened.tzinfo is not None
        # Write the same instant through the real column type and compare the stored text.
        probe = Table("probe", MetaData(), Column("at", UTCDateTime()))
        with db.engine.begin() as conn:
            probe.create(conn)
            conn.execute(probe.insert(), {"at": opened})
            typed, = conn.execute(text("SELECT at FROM probe")).one()
        assert raw == typed
    finally:
        db.dispose()


def test_demo_makes_the_operator_admin_first(sqlite_url: str, few_demo_repairs: None) -> None:
    db = Database.connect(sqlite_url)
    try:
        _build(db, tickets=200)
        services = Services.over(db, FakeClock(NOW))
        me: Actor = services.staff.resolve_actor()
        assert "admin" in me.role_label
        with db.reading() as s:
            mine = s.execute(select(Incident.status).where(Incident.assignee_id == me.staff_id)).scalars().all()
            assigned_by_me = s.execute(select(func.count(AuditEntry.id)).where(
                AuditEntry.actor_id == me.staff_id, AuditEntry.field == "assignee_id")).scalar_one()
        assert mine and all(st.value in ("assigned", "in_progress") for st in mine)
        assert assigned_by_me == len(mine)
    finally:
        db.dispose()


# -- who may load the demo, and into what ------------------------------------------
def _cli(capsys: pytest.CaptureFixture[str], url: str, *argv: str) -> tuple[int, str, str]:
    from desk.cli.main import main

    code = main(["--database", url, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _incidents(db: Database) -> int:
    with db.reading() as s:
        return s.execute(select(func.count(Incident.id))).scalar_one()


def test_make_run_demo_if_empty_twice(sqlite_url: str, capsys: pytest.CaptureFixture[str],
                                     few_demo_repairs: None) -> None:
    """`make run`: the first run on a new database loads (its runner becomes admin), the second does nothing."""
    code, out, err = _cli(capsys, sqlite_url, "demo", "--if-empty", "--tickets", "40")
    assert code == 0 and "demo ready: 40 incidents" in out, err
    db = Database.connect(sqlite_url)
    try:
        me = Services.over(db).staff.resolve_actor()
        assert "admin" in me.role_label
        assert demo.real_records(db, me) == {}
        loaded = _incidents(db)
        code, out, err = _cli(capsys, sqlite_url, "demo", "--if-empty", "--tickets", "40")
        assert (code, out, err) == (0, "", "") and _incidents(db) == loaded
        # Without --if-empty a database of demo data only takes more.
        code, out, err = _cli(capsys, sqlite_url, "demo", "--tickets", "20", "--seed", "2")
        assert code == 0 and "demo ready: 20 incidents" in out, err
        assert demo.real_records(db, me) == {}
        # Only admins: a counter account is refused, in the core as in the CLI.
        services = Services.over(db)
        services.staff.add(me, "casey", display_name="Casey", roles=["counter"], os_username="casey")
        casey = services.staff.resolve_actor(os_username="casey")
        before = _incidents(db)
        with pytest.raises(PermissionDenied, match=r"Casey \(counter\) may not load demo data: that needs the admin role"):
            demo.build_demo(db, tickets=20, seed=3, progress=lambda _m: None, actor=casey)
        assert _incidents(db) == before
    finally:
        db.dispose()


def test_demo_cli_refuses_other_staff(sqlite_url: str, capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from desk.people import staff as staff_module

    db = Database.connect(sqlite_url)
    try:
        services = Services.over(db)
        admin = services.staff.resolve_actor(os_username="first-admin")
        services.staff.add(admin, "sam", display_name="Sam", roles=["supervisor"], os_username="sam")
        monkeypatch.setattr(staff_module, "os_user", lambda: "sam")
        code, out, err = _cli(capsys, sqlite_url, "demo", "--tickets", "20", "--force")
        assert code == 2 and out == ""
        assert err == "desk: Sam (supervisor) may not load demo data: that needs the admin role.\n"
        monkeypatch.setattr(staff_module, "os_user", lambda: "stranger")
        code, _, err = _cli(capsys, sqlite_url, "demo", "--tickets", "20", "--force")
        assert code == 2 and "operating-system user 'stranger' has no Desk staff account" in err
        assert _incidents(db) == 0
    finally:
        db.dispose()


@pytest.mark.parametrize("real", ["incident", "person", "staff account"])
def test_demo_refuses_real_records_unless_forced(real: str, sqlite_url: str, capsys: pytest.CaptureFixture[str],
                                                 few_demo_repairs: None) -> None:
    db = Database.connect(sqlite_url)
    try:
        services = Services.over(db)
        me = services.staff.resolve_actor()  # this OS user: the first account (admin), who runs the CLI
        if real == "incident":
            services.incidents.open(me, NewIncident(title="A real printer jam"))
        elif real == "person":
            from tests import factories

            factories.person(db, given="Real", family="Person")
        else:
            services.staff.add(me, "alice", display_name="Alice Ng", roles=["technician"], os_username="alice")
        before = _incidents(db)
        code, out, err = _cli(capsys, sqlite_url, "demo", "--tickets", "20")
        assert code == 2 and out == "" and err.count("\n") == 1
        assert err.startswith(f"desk: This database already holds real records (1 {real} not made by the demo)")
        assert "add --force" in err
        assert _incidents(db) == before
        code, out, err = _cli(capsys, sqlite_url, "demo", "--tickets", "20", "--force")
        assert code == 0 and "demo ready" in out, err
        assert _incidents(db) > before
    finally:
        db.dispose()
