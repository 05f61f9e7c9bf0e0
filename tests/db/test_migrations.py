"""Migrations: empty → head → base → head on both engines, and models == migrations."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, make_url, text

import db.models  # noqa: F401
from db import migrate
from db.base import Base
from db.engine import Database, make_engine
from db.schema_extras import include_object
from desk.bootstrap import Services
from desk.cli.main import main
from desk.connection import Target, open_database
from desk.incidents.service import NewIncident
from desk.sla.admin import SlaAdmin
from tests.conftest import FakeClock


def _diff(engine) -> list:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include_object})
        return compare_metadata(ctx, Base.metadata)


def test_upgrade_downgrade_upgrade_matches_models(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert migrate.current_revision(engine) == migrate.head_revision()
        assert _diff(engine) == []
        migrate.downgrade(engine, "base")
        assert migrate.current_revision(engine) is None
        leftover = set(inspect(engine).get_table_names()) - {"alembic_version"}
        assert leftover == set()
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        assert _diff(engine) == []
    finally:
        engine.dispose()


def _pins(engine) -> dict[str, tuple[str, int] | None]:  # type: ignore[no-untyped-def]
    """Each ticket's pinned SLA as (SLA name, version number), None where unpinned."""
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT i.number, s.name, v.version FROM incidents i "
            "LEFT JOIN sla_versions v ON v.id = i.sla_version_id LEFT JOIN slas s ON s.id = v.sla_id "
            "ORDER BY i.number")).all()
    return {n: (name, version) if name is not None else None for n, name, version in rows}


@pytest.mark.parametrize("down_to", ["0004_sla", "0003_counter"])
def test_sla_pins_survive_a_downgrade_and_upgrade(db_url: str, database: Database, clock: FakeClock,
                                                  capsys: pytest.CaptureFixture[str], down_to: str) -> None:
    services = Services.over(database, clock)
    admin = services.staff.resolve_actor(os_username="first-admin")
    first = [services.incidents.open(admin, NewIncident(title=f"Printer {i}", service=service, impact="medium",
                                                        urgency="medium")).number
             for i, service in enumerate(("Printing", "Wi-Fi & Network", "Laptop Repair"))]
    # A later SLA version: tickets opened after it takes effect are pinned to it.
    clock.advance(minutes=5)
    SlaAdmin(database, clock).set_target(admin, "standard", "P3", resolution="5bd")
    clock.advance(hours=1)
    later = services.incidents.open(admin, NewIncident(title="Printer again", service="Printing",
                                                       impact="medium", urgency="medium")).number
    before = _pins(database.engine)
    assert all(before[n] == ("standard", 1) for n in first) and before[later] == ("standard", 2)

    migrate.downgrade(database.engine, down_to)
    database.dispose()
    if database.dialect == "sqlite":  # a local database is upgraded when Desk starts on it
        open_database(Target(make_url(db_url), "--database")).dispose()
    else:  # a shared one by its administrator
        assert main(["--database", db_url, "db", "upgrade"]) == 0, capsys.readouterr().err
        assert "SLA columns measured again, 4 tickets changed" in capsys.readouterr().out
    after = _pins(database.engine)
    if down_to == "0004_sla":
        assert after == before  # the SLA definitions were kept, so are the pins
    else:
        # Past 0004 the SLA definitions themselves are dropped (0003 has no place for them) and
        # come back as the reference defaults: every ticket is pinned again, to what is there now.
        assert after == {**before, later: ("standard", 1)}


def test_the_revision_graph_read_from_the_files_is_alembics() -> None:
    """db.migrate reads each file's revision lines instead of importing Alembic at every
    start; it must agree with Alembic's own graph (head, every revision, every parent)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert migrate.head_revision() == script.get_current_head()
    assert migrate.revision_graph() == {s.revision: s.down_revision for s in script.walk_revisions()}


def test_upgrade_past_the_outcome_rule_change_measures_every_ticket_again(
        db_url: str, database: Database, clock: FakeClock, capsys: pytest.CaptureFixture[str]) -> None:
    """Columns stored under the old rule (a breach at the due instant itself) are
    recomputed by the upgrade that brings in 0018_sla_outcomes."""
    services = Services.over(database, clock)
    admin = services.staff.resolve_actor(os_username="first-admin")
    number = services.incidents.open(admin, NewIncident(title="Printer", service="Printing", impact="medium",
                                                        urgency="medium")).number
    clock.advance(minutes=10)
    services.incidents.transition(admin, number, "in_progress")  # responded well in time
    with database.writing() as s:  # a wrong stored breach, as a rule change leaves them
        s.execute(text("UPDATE incidents SET response_breached_at = response_due_at WHERE number = :n"),
                  {"n": number})
    migrate.downgrade(database.engine, "0017_service_setup")
    database.dispose()
    if database.dialect == "sqlite":
        open_database(Target(make_url(db_url), "--database")).dispose()
    else:
        assert main(["--database", db_url, "db", "upgrade"]) == 0, capsys.readouterr().err
        assert "SLA columns measured again, 1 ticket changed" in capsys.readouterr().out
    with database.engine.connect() as conn:
        breached = conn.execute(text("SELECT response_breached_at FROM incidents WHERE number = :n"),
                                {"n": number}).scalar()
    assert breached is None
