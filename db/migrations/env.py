"""Alembic environment: runs on the connection Desk hands over (db.migrate)."""
from __future__ import annotations

from typing import Any

from alembic import context

import db.models  # noqa: F401  (registers every table)
from db.base import Base
from db.schema_extras import include_object

config = context.config
target_metadata = Base.metadata

def _configure(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_object=include_object,
        compare_type=True,
        # db.migrate collects the revisions an upgrade applied (data steps may follow them).
        on_version_apply=config.attributes.get("on_version_apply"),
    )


def run_migrations_online() -> None:
    # No URL in the config (it would carry the password): db.migrate passes a connection.
    connection = config.attributes.get("connection")
    if connection is None:
        raise SystemExit("Desk migrations run on a connection Desk opens (desk db upgrade).")
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Desk migrations run online only (desk db upgrade).")
run_migrations_online()
