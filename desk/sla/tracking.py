"""Keeps the SLA results stored on an incident current after each event.

Services call ``refresh`` inside their unit of work after every change that can move a
target (status, priority, assignment, first public reply, service). The ticket's whole
SLA-relevant history is replayed (a handful of rows), so the stored columns are always
the same pure function of history that ``recompute_all`` computes in bulk. What the
columns mean is documented in ``desk.sla.stored``.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from db.models import Incident
from desk.sla import catalogue, history, stored
from desk.sla.clock import to_epoch
from desk.sla.measure import evaluate


def refresh(session: Session, incident: Incident, now: dt.datetime) -> None:
    """Recompute due and breach times of ``incident`` as of ``now`` and store them."""
    # Pending audit and journal rows of this event must be visible to the replay.
    session.flush()
    cat = catalogue.load_cached(session)
    h = history.load(session.connection(), [incident.id])[incident.id]
    t = to_epoch(now)
    # A change of the ticket's own service picks its SLA afresh; nothing else does.
    repin = any(e[history.FIELD] == "service_id" and e[history.AT] == t for e in h.events)
    result, policy = evaluate(cat, h, t, repin=repin)
    values = stored.columns(result, policy.version_id if policy else None)
    changed = {k: v for k, v in values.items() if getattr(incident, k) != v}
    if not changed:
        return
    # A Core UPDATE, not attribute sets: derived columns must not bump the row's
    # optimistic-locking version (an open editor would see a false conflict).
    session.execute(update(Incident).where(Incident.id == incident.id).values(**changed)
                    .execution_options(synchronize_session=False))
    for k, v in changed.items():
        set_committed_value(incident, k, v)
