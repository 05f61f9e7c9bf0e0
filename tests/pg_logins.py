"""Real staff logins on a PostgreSQL test database: each with its own connection, as a
staff member at a workstation (or in psql) would have, never the superuser's."""
from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
import pytest
from sqlalchemy import make_url

from db.engine import Database, make_engine
from db.enums import Role
from desk.actor import Actor
from desk.bootstrap import Services
from tests import dbtools

# What a refused statement raises: a missing privilege, or a server rule (desk_refuse).
REFUSED = (psycopg.errors.InsufficientPrivilege, psycopg.errors.RaiseException)


def refused(conn: psycopg.Connection, sql: str, params: tuple[object, ...] = ()) -> str:
    """Run ``sql`` expecting the server to refuse it; returns the server's message."""
    with pytest.raises(REFUSED) as err:
        conn.execute(sql, params)
    return str(err.value)


@dataclass
class Login:
    role: Role
    name: str
    url: str
    actor: Actor

    def sql(self) -> psycopg.Connection:
        return psycopg.connect(make_url(self.url).set(drivername="postgresql").render_as_string(
            hide_password=False), autocommit=True)

    def services(self) -> tuple[Database, Services]:
        db = Database.from_engine(make_engine(self.url))
        return db, Services.over(db)


def admin_conn(database: str | None = None) -> psycopg.Connection:
    u = make_url(dbtools.PG_ADMIN_URL).set(drivername="postgresql")
    if database:
        u = u.set(database=database)
    return psycopg.connect(u.render_as_string(hide_password=False), autocommit=True)


@contextmanager
def staff_logins(templates: dbtools.Templates, postgres_url: str, roles: Sequence[tuple[str, Role]]
                 ) -> Iterator[tuple[Services, Actor, dict[str, Login]]]:
    """Logins named ``desk_t<tag>_<key>`` with staff accounts of the given roles; yields the
    owner's services, the owner's admin account and the logins by key. The test database
    (given by the ``postgres_url`` fixture) is dropped after the test, then the logins
    (grants made in it would keep them), in the background with the other copies."""
    tag = uuid.uuid4().hex[:8]
    database = make_url(postgres_url).database or ""
    owner_db = Database.connect(postgres_url)
    # The copy keeps the template's group roles (desk_<template>_<role>): its grants, triggers
    # and security_groups rows came over with CREATE DATABASE … TEMPLATE, so the logins get
    # exactly the rights `desk db upgrade` gives on a database of its own, without
    # re-running security.apply (and dropping five groups) for every test. Those groups
    # also hold rights in the other copies, but no test connects to another test's copy,
    # and the template takes no connections at all (dbtools), so none can change it.
    owner = Services.over(owner_db)
    admin = owner.staff.resolve_actor()
    names = {key: f"desk_t{tag}_{key}" for key, _ in roles}
    with admin_conn() as c:
        for name in names.values():
            c.execute(f'CREATE ROLE "{name}" LOGIN')
    try:
        logins: dict[str, Login] = {}
        for key, role in roles:
            actor = owner.staff.add(admin, f"{key}-{tag}", display_name=f"{key.title()} Login",
                                    roles=[role.value], db_login=names[key], teams=["Service Desk"])
            url = make_url(postgres_url).set(username=names[key]).render_as_string(hide_password=False)
            logins[key] = Login(role, names[key], url, actor)
        yield owner, admin, logins
    finally:
        owner_db.dispose()
        templates.pg_release(database, roles=names.values())
