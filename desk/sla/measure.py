"""Measuring one ticket: pick its SLA version and targets, then replay its history."""
from __future__ import annotations

from desk.sla.catalogue import Catalogue, SlaPolicy
from desk.sla.history import AT, FIELD, NEW, OLD, TicketHistory
from desk.sla.replay import SlaResult, replay


def service_at(h: TicketHistory, as_of: int) -> int | None:
    """The ticket's service at ``as_of`` (a changed service re-targets from opening)."""
    changes = [e for e in h.events if e[FIELD] == "service_id"]
    if not changes:
        return h.service_id
    current = changes[0][OLD]
    for e in changes:
        if e[AT] > as_of:
            break
        current = e[NEW]
    return int(current) if current not in (None, "") else None


def policy_for(cat: Catalogue, h: TicketHistory, as_of: int) -> SlaPolicy | None:
    return cat.policy(cat.sla_name_for(service_at(h, as_of), h.model_id), h.opened_at)


def evaluate(cat: Catalogue, h: TicketHistory, as_of: int, *,
             repin: bool = False) -> tuple[SlaResult, SlaPolicy | None]:
    """Replay ``h`` as of ``as_of``.

    The SLA version pinned on the ticket (``incidents.sla_version_id``) is used when
    there is one, so editing the service catalogue later never moves past results;
    otherwise (first measurement, or ``repin`` after the ticket's service changed) the
    version follows from the ticket's service / incident model and its opening time.
    """
    policy = None
    if h.sla_version_id is not None and not repin:
        policy = cat.by_version_id.get(h.sla_version_id)
    if policy is None:
        policy = policy_for(cat, h, as_of)
    return replay(h, lambda p: cat.target(policy, p), as_of), policy
