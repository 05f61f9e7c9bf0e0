"""Seeding right after a migration (shared by `desk db upgrade` and local start-up)."""
from __future__ import annotations

from sqlalchemy import Engine

from db.engine import Database
from desk.seed import seed_reference_data


def seed_after_upgrade(engine: Engine) -> None:
    seed_reference_data(Database.from_engine(engine))
