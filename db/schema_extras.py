"""Database objects the migrations create by hand (full-text search), which the models
cannot describe; autogenerate comparisons skip them."""
from __future__ import annotations

from typing import Any

HAND_MADE_TABLE_PREFIX = "incident_search"
HAND_MADE_COLUMNS = {"search_vector"}
HAND_MADE_INDEXES = {"ix_incidents_search_vector"}


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    if type_ == "table" and (name or "").startswith(HAND_MADE_TABLE_PREFIX):
        return False
    if type_ == "column" and name in HAND_MADE_COLUMNS:
        return False
    return not (type_ == "index" and name in HAND_MADE_INDEXES)
