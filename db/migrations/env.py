"""Alembic environment: runs on the connection Desk hands over (or a URL)."""
from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import engine_from_config, pool

import db.models  # noqa: F401  (registers every table)
from db.base import Base

config = context.config
target_metadata = Base.metadata

# Objects the migrations create by hand and the models cannot describe.
HAND_MADE_TABLES = {"incident_search"}


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    if type_ == "table" and (name in HAND_MADE_TABLES or (name or "").startswith("incident_search_")):
        return False
    if type_ == "column" and name == "search_vector":
        return False
    if type_ == "index" and name in {"ix_incidents_search_vector"}:
        return False
    return True


def _configure(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_object=include_object,
        compare_type=True,
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config(
        config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Desk migrations run online only (desk db upgrade).")
run_migrations_online()
