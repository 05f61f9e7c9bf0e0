"""Keeps the SLA results stored on an incident current after each event.

Services call ``refresh`` inside their unit of work after every change that can
move a target (status, priority, assignment, first public reply).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from db.models import Incident


def refresh(session: Session, incident: Incident, now: dt.datetime) -> None:
    """Recompute due and breach times of ``incident`` as of ``now``.

    The calendar engine lands with the SLA issue; until then no targets are stored.
    """
    return None
