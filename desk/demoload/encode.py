"""Generated demo rows in the form each engine's bulk writer takes.

SQLite: tuples in column order for ``executemany``, timestamps as the exact text
``db.types.UTCDateTime`` stores ('YYYY-MM-DD HH:MM:SS.000000', naive UTC), booleans as
0/1 (sqlite3's own conversion). PostgreSQL: lines of ``COPY … FROM STDIN`` text format (tab-separated, ``\\N`` for
NULL, backslash escapes), timestamps as 'YYYY-MM-DD HH:MM:SS+00'.

Audit rows come with ``db.audit_chain.entry_tail`` (their content as the chain encodes
it); ``seq`` and ``hash`` are added by the writer, the one place that knows the head.
"""
from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from desk.sla import stored

INCIDENT_COLUMNS: tuple[str, ...] = (
    "id", "number", "title", "description", "caller_id", "acting_status", "acting_department_id",
    "service_id", "category_id", "impact", "urgency", "priority", "priority_explanation", "vip_policy_id",
    "status", "team_id", "assignee_id", "channel", "opened_at", "updated_at", "responded_at", "resolved_at",
    "closed_at", "resolution_code", "resolution_note", "cancel_reason", "parent_id", "problem_id", "is_major",
    "major_manager_id", "next_update_due_at", "created_by_id", "version", *stored.COLUMNS,
)
JOURNAL_COLUMNS: tuple[str, ...] = ("incident_id", "problem_id", "kind", "body", "author_id", "at")
AUDIT_COLUMNS: tuple[str, ...] = ("at", "actor_id", "db_user", "entity", "entity_id", "field", "old_value",
                                  "new_value", "reason")
TIME_COLUMNS = frozenset({"opened_at", "updated_at", "responded_at", "resolved_at", "closed_at",
                          "next_update_due_at", "at", *stored.TIME_COLUMNS})

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_field(value: Any) -> str:
    """One value in COPY text format (timestamps already converted)."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    return str(value)


class Encoder:
    """Converts epoch seconds once per instant (tickets share many) and builds rows."""

    def __init__(self, sqlite: bool) -> None:
        self.sqlite = sqlite
        self._stamps: dict[int, tuple[str, str]] = {}

    def stamps(self, epoch: int) -> tuple[str, str]:
        """(the column's stored/COPY form, the audit chain's form) of an instant."""
        found = self._stamps.get(epoch)
        if found is None:
            base = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(epoch))
            column = base + ".000000" if self.sqlite else base + "+00"
            found = self._stamps[epoch] = (column, base[:10] + "T" + base[11:] + ".000000")
        return found

    def table(self, columns: Sequence[str]) -> Rows:
        return Rows(self, tuple(columns))

    def audit(self, at: int, actor: int | None, incident_id: int, field: str, old: str | None, new: str | None,
              reason: str | None) -> tuple[Any, str]:
        column, chained = self.stamps(at)
        # db.audit_chain.entry_tail for db_user NULL and entity 'incident', inlined: this
        # runs for every audit row (test_demo_bulk checks the chain verifies).
        a = "-" if actor is None else f"{len(str(actor))}:{actor}"
        e = str(incident_id)
        tail = (f"{len(chained)}:{chained}{a}-8:incident{len(e)}:{e}{len(field)}:{field}"
                f"{'-' if old is None else f'{len(old)}:{old}'}{'-' if new is None else f'{len(new)}:{new}'}"
                f"{'-' if reason is None else f'{len(reason)}:{reason}'}")
        values = (column, actor, None, "incident", incident_id, field, old, new, reason)
        if self.sqlite:
            return values, tail
        return "\t".join(map(copy_field, values)), tail


class Rows:
    """Rows of one table in one chunk: a list of tuples (SQLite) or COPY text (PostgreSQL)."""

    def __init__(self, encoder: Encoder, columns: tuple[str, ...]) -> None:
        self.encoder = encoder
        self.columns = columns
        self.time_idx = [i for i, c in enumerate(columns) if c in TIME_COLUMNS]
        self.items: list[Any] = []

    def add(self, row: dict[str, Any]) -> None:
        values = [row[k] for k in self.columns]
        stamps = self.encoder.stamps
        for i in self.time_idx:
            v = values[i]
            if v is not None:
                values[i] = stamps(v)[0]
        # sqlite3 stores Python booleans as 0/1 itself.
        if self.encoder.sqlite:
            self.items.append(tuple(values))
        else:
            self.items.append("\t".join(map(copy_field, values)) + "\n")

    def done(self) -> Any:
        return self.items if self.encoder.sqlite else "".join(self.items)
