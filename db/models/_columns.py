"""Small column helpers so every table spells enums and timestamps the same way."""
from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import Enum as SAEnum


def enum_column(e: type[enum.Enum], name: str) -> SAEnum:
    # Stored as plain strings with a CHECK constraint: portable between SQLite and
    # PostgreSQL and cheap to extend in a migration (no ALTER TYPE).
    return SAEnum(
        e, name=name, native_enum=False, create_constraint=True, length=24,
        values_callable=lambda x: [m.value for m in x], validate_strings=True,
    )


def kw(**extra: Any) -> dict[str, Any]:
    return extra
