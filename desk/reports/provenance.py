"""Where a report's numbers came from: who, when, which database, which SLA/calendar.

The SLA engine owns the SLA definitions and calendars; this module only reads what it
stores, so that anyone can regenerate the same numbers.
"""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from db.models import Service


def desk_version() -> str:
    try:
        return version("desk")
    except PackageNotFoundError:
        return "unknown"


def sla_and_calendar_versions(s: Session, service_ids: tuple[int, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Human-readable SLA and calendar versions in force for the services in scope."""
    svc = select(Service.name, Service.sla_name).order_by(Service.name)
    if service_ids:
        svc = svc.where(Service.id.in_(service_ids))
    sla_names = sorted({n for _, n in s.execute(svc) if n})
    tables = set(inspect(s.connection()).get_table_names())
    slas = _versioned(s, tables, ("sla_definitions", "slas", "sla_policies"), sla_names)
    calendars = _versioned(s, tables, ("business_calendars", "calendars", "sla_calendars"), None)
    return slas or tuple(f"{n} (version not recorded)" for n in sla_names), calendars


def _versioned(s: Session, tables: set[str], candidates: tuple[str, ...],
               names: list[str] | None) -> tuple[str, ...]:
    """Read "name vN" from the SLA engine's table, whichever of the expected names it has."""
    for table in candidates:
        if table not in tables:
            continue
        cols = {c["name"] for c in inspect(s.connection()).get_columns(table)}
        if "name" not in cols:
            continue
        ver = next((c for c in ("version", "revision") if c in cols), None)
        rows: list[Any] = list(s.execute(text(
            f'SELECT name{", " + ver if ver else ""} FROM "{table}" ORDER BY name'  # noqa: S608 - fixed names
        )))
        out = []
        for r in rows:
            if names is not None and r[0] not in names:
                continue
            out.append(f"{r[0]} v{r[1]}" if ver else str(r[0]))
        return tuple(out)
    return ()
