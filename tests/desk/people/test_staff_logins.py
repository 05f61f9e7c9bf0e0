"""Who is acting: OS user on SQLite, each staff member's own login on PostgreSQL."""
from __future__ import annotations

import uuid

import psycopg
import pytest
from sqlalchemy import make_url, select

from db.engine import Database, make_engine
from db.models import AuditEntry
from desk.bootstrap import Services
from desk.incidents.service import NewIncident
from desk.people.staff import NoStaffAccount
from tests import dbtools


def test_first_os_user_becomes_admin_others_are_refused(sqlite_url: str) -> None:
    db = Database.connect(sqlite_url)
    try:
        s = Services.over(db)
        first = s.staff.resolve_actor(os_username="alice")
        assert first.role_label == "admin, supervisor, technician, counter"
        assert s.staff.resolve_actor(os_username="alice") == first
        with pytest.raises(NoStaffAccount, match="operating-system user 'mallory' has no Desk staff account"):
            s.staff.resolve_actor(os_username="mallory")
        s.staff.add(first, "mallory", display_name="Mallory", roles=["counter"], os_username="mallory")
        assert s.staff.resolve_actor(os_username="mallory").role_label == "counter"
    finally:
        db.dispose()


@pytest.mark.postgres
def test_postgres_login_maps_to_staff_account_and_is_audited(db_templates: dbtools.Templates,
                                                             postgres_url: str) -> None:
    login = f"desk_tech_{uuid.uuid4().hex[:8]}"
    admin_conn = make_url(dbtools.PG_ADMIN_URL).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_conn, autocommit=True) as c:
        c.execute(f'CREATE ROLE "{login}" LOGIN')
    owner = Database.connect(postgres_url)
    as_tech = None
    try:
        services = Services.over(owner)
        admin = services.staff.resolve_actor()  # the database owner's login, first account
        assert admin.db_user == make_url(postgres_url).username
        tech_url = make_url(postgres_url).set(username=login)
        as_tech = Database.from_engine(make_engine(tech_url))
        tech_services = Services.over(as_tech)
        with pytest.raises(NoStaffAccount, match=f"database login '{login}' has no Desk staff account"):
            tech_services.staff.resolve_actor()
        services.staff.add(admin, "tess", display_name="Tess Tech", roles=["technician"], db_login=login)
        tech = tech_services.staff.resolve_actor()
        assert tech.username == "tess" and tech.db_user == login
        v = tech_services.incidents.open(tech, NewIncident(title="Opened by Tess"))
        with owner.reading() as s:
            row = s.execute(select(AuditEntry).where(AuditEntry.entity == "incident", AuditEntry.entity_id == v.id,
                                                     AuditEntry.field == "created")).scalar_one()
        assert row.actor_id == tech.staff_id and row.db_user == login
    finally:
        if as_tech is not None:
            as_tech.dispose()
        owner.dispose()
        # The grants live in the test database: the role goes after it.
        db_templates.pg_release(make_url(postgres_url).database or "", roles=[login])
